package io.skiff.benchmarks.load;

import io.skiff.NodeAddress;
import io.skiff.NodeState;
import io.skiff.Skiff;
import io.skiff.SkiffException;
import io.skiff.SkiffNode;
import io.skiff.SkiffOptions;
import io.skiff.storage.xodus.Durability;
import io.skiff.storage.xodus.XodusStorageOptions;
import io.skiff.testkit.InMemoryNetwork;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * A cluster of Skiff nodes in this JVM, for benchmarks and the load tool: every node lists the others as peers and
 * runs with the default options (election timeout 300-600 ms, heartbeat 100 ms), so that what is measured is what
 * a user gets. Xodus data goes to a fresh temporary directory, deleted on {@link #close()}.
 */
public final class InProcessCluster implements AutoCloseable {
    private static final int START_ATTEMPTS = 5;
    private static final Duration LEADER_TIMEOUT = Duration.ofSeconds(20);

    private final List<SkiffNode> nodes;
    private final Path directory;

    private InProcessCluster(List<SkiffNode> nodes, Path directory) {
        this.nodes = nodes;
        this.directory = directory;
    }

    /**
     * Starts every node and waits until one leads and every node follows it.
     *
     * @throws SkiffException when a node cannot start (after retrying UDP ports another process took meanwhile).
     * @throws IllegalStateException when no leader is agreed on within 20 s.
     */
    public static InProcessCluster start(ClusterSpec spec) {
        RuntimeException last = null;
        for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
            final InProcessCluster cluster = create(spec);
            try {
                cluster.startAll();
                cluster.awaitLeader();
                return cluster;
            } catch (SkiffException e) {
                cluster.close();
                if (!spec.transport().equals(ClusterSpec.UDP)) {
                    throw e;
                }
                last = e;
            } catch (RuntimeException e) {
                cluster.close();
                throw e;
            }
        }
        throw last;
    }

    private static InProcessCluster create(ClusterSpec spec) {
        final Path directory = spec.storage().equals(ClusterSpec.XODUS) ? temporaryDirectory() : null;
        final List<NodeAddress> addresses = spec.transport().equals(ClusterSpec.UDP)
            ? freeUdpAddresses(spec.nodes()) : memAddresses(spec.nodes());
        final SkiffOptions.Builder template = SkiffOptions.builder().stateMachine(spec.stateMachine())
            .storage(spec.storage());
        if (spec.transport().equals(ClusterSpec.MEM)) {
            template.network(new InMemoryNetwork());
        }
        if (null != directory) {
            template.location(directory).providerOptions(XodusStorageOptions.builder()
                .durability(spec.durable() ? Durability.FSYNC : Durability.NO_SYNC).build());
        }
        final List<SkiffNode> nodes = new ArrayList<>();
        for (NodeAddress address : addresses) {
            final List<NodeAddress> peers = new ArrayList<>(addresses);
            peers.remove(address);
            nodes.add(Skiff.node(address, template.peers(peers).build()));
        }
        return new InProcessCluster(nodes, directory);
    }

    private void startAll() {
        try {
            CompletableFuture.allOf(nodes.stream().map(SkiffNode::start).toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof SkiffException) {
                throw (SkiffException)e.getCause();
            }
            throw e;
        }
    }

    /**
     * Waits until exactly one node leads and every node names it as leader.
     *
     * @return the leader.
     * @throws IllegalStateException when that does not happen within 20 s.
     */
    public SkiffNode awaitLeader() {
        final long deadline = System.nanoTime() + LEADER_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            final SkiffNode leader = agreedLeader();
            if (null != leader) {
                return leader;
            }
            LockSupport.parkNanos(1_000_000);
        }
        throw new IllegalStateException("expected a leader that every node follows within " + LEADER_TIMEOUT
            + ", actual: " + describe());
    }

    private SkiffNode agreedLeader() {
        SkiffNode leader = null;
        for (SkiffNode node : nodes) {
            if (node.state() == NodeState.LEADER) {
                if (null != leader) {
                    return null;
                }
                leader = node;
            }
        }
        if (null == leader) {
            return null;
        }
        for (SkiffNode node : nodes) {
            if (!node.leader().map(leader.address()::equals).orElse(false)) {
                return null;
            }
        }
        return leader;
    }

    public List<SkiffNode> nodes() {
        return List.copyOf(nodes);
    }

    /** @return the sum of a counter (see {@link io.skiff.NodeStats#counter}) over every node. */
    public long counterSum(String counter) {
        long sum = 0;
        for (SkiffNode node : nodes) {
            sum += node.stats().counter(counter);
        }
        return sum;
    }

    /** @return each node's address, role and term, for messages. */
    public String describe() {
        final StringBuilder text = new StringBuilder();
        for (SkiffNode node : nodes) {
            text.append(text.length() == 0 ? "" : "; ").append(node.address()).append(' ').append(node.state())
                .append(" term ").append(node.term()).append(" leader ").append(node.leader().orElse(null));
        }
        return text.toString();
    }

    /** Stops every node and deletes the cluster's data. */
    @Override
    public void close() {
        for (SkiffNode node : nodes) {
            node.close();
        }
        if (null != directory) {
            deleteRecursively(directory);
        }
    }

    private static List<NodeAddress> memAddresses(int count) {
        final List<NodeAddress> addresses = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            addresses.add(NodeAddress.parse("/mem/n" + i));
        }
        return addresses;
    }

    /** Lets the kernel pick distinct free ports by binding them all at once, then releases them. */
    private static List<NodeAddress> freeUdpAddresses(int count) {
        final List<DatagramSocket> sockets = new ArrayList<>();
        try {
            final List<NodeAddress> addresses = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                final DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
                sockets.add(socket);
                addresses.add(NodeAddress.parse("/ip4/127.0.0.1/udp/" + socket.getLocalPort()));
            }
            return addresses;
        } catch (SocketException e) {
            throw new IllegalStateException("expected free UDP ports on 127.0.0.1, actual none", e);
        } finally {
            sockets.forEach(DatagramSocket::close);
        }
    }

    private static Path temporaryDirectory() {
        try {
            return Files.createTempDirectory("skiff-bench-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory for the cluster's data", e);
        }
    }

    private static void deleteRecursively(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the cluster's data in " + root, e);
        }
    }
}
