package io.skiff.storage.xodus.node;

import io.skiff.KeyValue;
import io.skiff.NodeAddress;
import io.skiff.NodeState;
import io.skiff.RangeOptions;
import io.skiff.ReadConsistency;
import io.skiff.Skiff;
import io.skiff.SkiffNode;
import io.skiff.SkiffOptions;
import io.skiff.testkit.InMemoryNetwork;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import java.util.zip.CRC32C;

/**
 * Real nodes on Xodus storage for the node tests: {@code /mem/...} addresses on an {@link InMemoryNetwork} of their
 * own, every node's data under one location ({@code .storage("xodus").location(dir)}), short timeouts (election
 * 150-300 ms, heartbeat 50 ms). A node stopped and created again at its address finds its directory, as a
 * restarted process would.
 */
final class XodusCluster implements AutoCloseable {
    static final List<String> THREE = List.of("/mem/a", "/mem/b", "/mem/c");
    static final List<String> ONE = List.of("/mem/solo");

    private final List<String> addresses;
    private final SkiffOptions base;
    private final InMemoryNetwork network;
    private final Map<String, SkiffNode> nodes = new LinkedHashMap<>();
    private final Set<String> running = new LinkedHashSet<>();

    /**
     * @param addresses    the members.
     * @param location     where every node keeps its directory.
     * @param stateMachine {@code kv} or {@code kv-storage}.
     * @param tuning       changes to the short default options.
     */
    XodusCluster(List<String> addresses, Path location, String stateMachine,
        UnaryOperator<SkiffOptions.Builder> tuning) {
        this(addresses, location, stateMachine, tuning, InMemoryNetwork.DEFAULT_INBOX_CAPACITY);
    }

    /** @param inboxCapacity bytes of each node's inbox on the in-memory network; frames may be an eighth of it. */
    XodusCluster(List<String> addresses, Path location, String stateMachine,
        UnaryOperator<SkiffOptions.Builder> tuning, int inboxCapacity) {
        this.addresses = List.copyOf(addresses);
        this.network = new InMemoryNetwork(inboxCapacity);
        this.base = tuning.apply(SkiffOptions.builder()
            .storage("xodus")
            .location(location)
            .network(network)
            .stateMachine(stateMachine)
            .electionTimeoutMin(Duration.ofMillis(150))
            .electionTimeoutMax(Duration.ofMillis(300))
            .appendEntriesInterval(Duration.ofMillis(50))
            .rpcTimeout(Duration.ofMillis(500))
            .clientRetryRpcTimeout(Duration.ofMillis(100))
            .clientMaxRetries(20)).build();
    }

    InMemoryNetwork network() {
        return network;
    }

    List<String> addresses() {
        return addresses;
    }

    /** @return the options of the node at {@code address}: the other members as peers. */
    SkiffOptions options(String address) {
        final List<String> peers = new ArrayList<>(addresses);
        peers.remove(address);
        return base.toBuilder().peers(peers.toArray(String[]::new)).build();
    }

    /** @return the directory the node at {@code address} keeps its data in. */
    Path directory(String address) {
        return base.location().resolve(address.substring(1).replace('/', '_').replace(':', '_'));
    }

    /** @return the current instance at {@code address}, created (not started) on first use. */
    SkiffNode node(String address) {
        return nodes.computeIfAbsent(address, a -> Skiff.node(a, options(a)));
    }

    List<SkiffNode> nodes() {
        return addresses.stream().map(this::node).toList();
    }

    /** Starts every node and waits until all have started. */
    XodusCluster startAll() {
        final List<CompletableFuture<Void>> starts = new ArrayList<>();
        for (String address : addresses) {
            starts.add(node(address).start());
            running.add(address);
        }
        Await.result(CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)));
        return this;
    }

    /** Starts the current instance at {@code address} and waits for it. */
    SkiffNode start(String address) {
        final SkiffNode node = node(address);
        running.add(address);
        Await.result(node.start());
        return node;
    }

    /** Stops the node and waits until it has stopped and released its storage. */
    void stop(SkiffNode node) {
        running.remove(node.address().toString());
        Await.result(node.stop());
    }

    /** Replaces the (stopped) instance at {@code address} with a new one, as a process restart does. */
    SkiffNode replace(String address) {
        if (running.contains(address)) {
            throw new IllegalStateException(address + " is running; stop it before replacing it");
        }
        final SkiffNode node = Skiff.node(address, options(address));
        nodes.put(address, node);
        return node;
    }

    /** Stops the node at {@code address}, then starts a new instance there. */
    SkiffNode restart(String address) {
        stop(node(address));
        replace(address);
        return start(address);
    }

    List<SkiffNode> running() {
        return running.stream().map(this::node).toList();
    }

    /** Waits until exactly one running node leads and every running node names it in the same term. */
    SkiffNode awaitLeader() {
        final SkiffNode[] leader = new SkiffNode[1];
        Await.until("the running nodes " + running + " agree on one leader", () -> {
            leader[0] = agreedLeader(running()).orElse(null);
            return null != leader[0];
        });
        return leader[0];
    }

    private static Optional<SkiffNode> agreedLeader(List<SkiffNode> members) {
        SkiffNode leader = null;
        for (SkiffNode node : members) {
            if (node.state() == NodeState.LEADER) {
                if (null != leader) {
                    return Optional.empty();
                }
                leader = node;
            }
        }
        if (null == leader) {
            return Optional.empty();
        }
        final long term = leader.term();
        final Optional<NodeAddress> address = Optional.of(leader.address());
        for (SkiffNode node : members) {
            if (node.term() != term || !node.leader().equals(address)) {
                return Optional.empty();
            }
        }
        return leader.state() == NodeState.LEADER && leader.term() == term ? Optional.of(leader) : Optional.empty();
    }

    /**
     * Waits until every running node holds and has applied the leader's whole log. A linearizable round first, so
     * that the leader's published stats include the writes that completed before this call (a write's future may
     * complete a moment before its node publishes the stats of that duty cycle).
     */
    void awaitConverged(SkiffNode leader) {
        Await.result(leader.readConsensus());
        final long last = leader.stats().lastIndex();
        for (SkiffNode node : running()) {
            Await.until(node + " holds and applied the leader's log up to " + last, () -> {
                final var stats = node.stats();
                return stats.lastIndex() == last && stats.appliedIndex() == last;
            });
        }
    }

    /** @return every entry the node holds, read locally (no round trip), in key order. */
    static List<KeyValue> localEntries(SkiffNode node) {
        return Await.result(node.levelup().range(RangeOptions.all().consistency(ReadConsistency.LOCAL)));
    }

    /** @return a CRC32C over every key and value the node holds, read locally, in key order, with their lengths. */
    static long checksum(List<KeyValue> entries) {
        final CRC32C crc = new CRC32C();
        final byte[] length = new byte[4];
        for (KeyValue entry : entries) {
            for (byte[] bytes : new byte[][] {entry.key(), entry.value()}) {
                length[0] = (byte)(bytes.length >>> 24);
                length[1] = (byte)(bytes.length >>> 16);
                length[2] = (byte)(bytes.length >>> 8);
                length[3] = (byte)bytes.length;
                crc.update(length);
                crc.update(bytes);
            }
        }
        return crc.getValue();
    }

    /** Stops every node that is still running and waits for them. */
    @Override
    public void close() {
        network.heal();
        final List<CompletableFuture<Void>> stops = new ArrayList<>();
        for (SkiffNode node : nodes.values()) {
            stops.add(node.stop());
        }
        running.clear();
        Await.result(CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)));
    }
}
