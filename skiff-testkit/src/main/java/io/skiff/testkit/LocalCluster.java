package io.skiff.testkit;

import io.skiff.NodeAddress;
import io.skiff.NodeState;
import io.skiff.Skiff;
import io.skiff.SkiffNode;
import io.skiff.SkiffOptions;
import io.skiff.core.storage.MemoryStorageProvider;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A real-time cluster in this JVM for application tests: nodes {@code /mem/n1} and up on an {@link InMemoryNetwork}
 * of their own, with in-memory storage that survives a {@link #crash} (what was synced) and a {@link #restart}.
 * Timeouts are short (election 150-300 ms, heartbeat 50 ms) so that elections take a fraction of a second.
 *
 * <pre>{@code
 * try (LocalCluster cluster = LocalCluster.start(3)) {
 *     SkiffNode leader = cluster.awaitLeader(Duration.ofSeconds(5));
 *     leader.levelup().put("k", "v").join();
 *     cluster.network().isolate(leader.address().toString());
 *     ...
 * }
 * }</pre>
 *
 * For reproducible runs under faults in virtual time, use {@link io.skiff.testkit.sim.Simulation} instead.
 */
public final class LocalCluster implements AutoCloseable {
    private final InMemoryNetwork network = new InMemoryNetwork(1 << 20);
    private final MemoryStorageProvider storage = new MemoryStorageProvider();
    private final List<NodeAddress> addresses = new ArrayList<>();
    private final List<SkiffNode> nodes = new ArrayList<>();
    private final SkiffOptions options;

    private LocalCluster(int size, Consumer<SkiffOptions.Builder> tuning) {
        final SkiffOptions.Builder builder = SkiffOptions.builder()
            .electionTimeoutMin(Duration.ofMillis(150)).electionTimeoutMax(Duration.ofMillis(300))
            .appendEntriesInterval(Duration.ofMillis(50)).rpcTimeout(Duration.ofMillis(500))
            .clientRetryRpcTimeout(Duration.ofMillis(100));
        tuning.accept(builder);
        options = builder.network(network).storage(storage).build();
        for (int i = 1; i <= size; i++) {
            addresses.add(NodeAddress.parse("/mem/n" + i));
            nodes.add(null);
        }
    }

    /** Starts a cluster of {@code size} nodes with the short default options. */
    public static LocalCluster start(int size) {
        return start(size, options -> { });
    }

    /**
     * Starts a cluster.
     *
     * @param size   nodes, 1 to 9.
     * @param tuning changes to the options (network, storage and peers are the cluster's).
     * @return the running cluster.
     */
    public static LocalCluster start(int size, Consumer<SkiffOptions.Builder> tuning) {
        if (size < 1 || size > 9) {
            throw new IllegalArgumentException("a local cluster has 1 to 9 nodes, got " + size);
        }
        final LocalCluster cluster = new LocalCluster(size, tuning);
        final List<CompletableFuture<Void>> starts = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            starts.add(cluster.startNode(i));
        }
        CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).join();
        return cluster;
    }

    private CompletableFuture<Void> startNode(int i) {
        final List<NodeAddress> peers = new ArrayList<>(addresses);
        peers.remove(i);
        final SkiffNode node = Skiff.node(addresses.get(i), options.toBuilder().peers(peers).build());
        nodes.set(i, node);
        return node.start();
    }

    public InMemoryNetwork network() {
        return network;
    }

    public List<NodeAddress> addresses() {
        return List.copyOf(addresses);
    }

    /** @return node {@code i} (from 1), running or not. */
    public SkiffNode node(int i) {
        return nodes.get(i - 1);
    }

    public List<SkiffNode> nodes() {
        return List.copyOf(nodes);
    }

    /** @return the running node that leads in the highest term, if any. */
    public Optional<SkiffNode> leader() {
        SkiffNode leader = null;
        for (SkiffNode node : nodes) {
            if (node.state() == NodeState.LEADER && (null == leader || node.term() > leader.term())) {
                leader = node;
            }
        }
        return Optional.ofNullable(leader);
    }

    /**
     * Waits (polling, in real time) until a leader exists.
     *
     * @throws AssertionError when none appears in time.
     */
    public SkiffNode awaitLeader(Duration timeout) {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            final Optional<SkiffNode> leader = leader();
            if (leader.isPresent()) {
                return leader.get();
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for a leader", e);
            }
        }
        throw new AssertionError("no leader within " + timeout + ": " + nodes);
    }

    /** Stops node {@code i} and loses what its storage had not synced, as a power cut does. */
    public void crash(int i) {
        node(i).stop().join();
        storage.crash(addresses.get(i - 1));
    }

    /** Starts node {@code i} again (a new instance) from what its storage kept. */
    public void restart(int i) {
        node(i).stop().join();
        startNode(i - 1).join();
    }

    /** Stops every node. */
    @Override
    public void close() {
        for (SkiffNode node : nodes) {
            node.close();
        }
    }
}
