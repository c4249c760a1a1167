package io.skiff.testkit;

import io.skiff.NodeAddress;
import io.skiff.NodeState;
import io.skiff.ReadConsistency;
import io.skiff.Skiff;
import io.skiff.SkiffEvent;
import io.skiff.SkiffNode;
import io.skiff.SkiffOptions;
import io.skiff.core.storage.MemoryStorageProvider;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * A real-time cluster for scenario tests: three nodes {@code /mem/a}, {@code /mem/b}, {@code /mem/c} on a network
 * of their own, storing into one {@link MemoryStorageProvider} so that a node stopped and started again at the same
 * address finds its data. Options are short (election 150-300 ms, heartbeat 50 ms) so that a test runs in about a
 * second; a test tunes them further with {@link #create(UnaryOperator)}.
 *
 * <p>Each address has an {@link EventLog} that records, from before the first start, every event of every node
 * instance at that address. {@link #close()} stops every node; tests call it from {@code @AfterEach}.
 */
final class TestCluster implements AutoCloseable {
    static final List<String> ADDRESSES = List.of("/mem/a", "/mem/b", "/mem/c");
    static final Duration ELECTION_TIMEOUT_MIN = Duration.ofMillis(150);
    static final Duration ELECTION_TIMEOUT_MAX = Duration.ofMillis(300);
    static final Duration HEARTBEAT_INTERVAL = Duration.ofMillis(50);

    /**
     * Inboxes of 1 MiB carry frames of 128 KiB, enough for the default maxAppendBytes and maxCommandBytes, and keep
     * the direct memory of a suite that starts a hundred clusters small until the collector frees it.
     */
    private static final int INBOX_CAPACITY = 1024 * 1024;

    private final InMemoryNetwork network = new InMemoryNetwork(INBOX_CAPACITY);
    private final MemoryStorageProvider storage = new MemoryStorageProvider();
    private final SkiffOptions base;
    private final Map<String, SkiffNode> nodes = new LinkedHashMap<>();
    private final Map<String, EventLog> events = new LinkedHashMap<>();
    private final Set<String> running = new LinkedHashSet<>();

    private TestCluster(SkiffOptions base) {
        this.base = base;
        for (String address : ADDRESSES) {
            events.put(address, new EventLog());
        }
    }

    /** @return a cluster with the short default options; no node is started yet. */
    static TestCluster create() {
        return create(UnaryOperator.identity());
    }

    /**
     * @param tuning changes to the short default options (peers, network and storage are set by the cluster).
     * @return a cluster; no node is started yet.
     */
    static TestCluster create(UnaryOperator<SkiffOptions.Builder> tuning) {
        final SkiffOptions.Builder builder = SkiffOptions.builder()
            .electionTimeoutMin(ELECTION_TIMEOUT_MIN)
            .electionTimeoutMax(ELECTION_TIMEOUT_MAX)
            .appendEntriesInterval(HEARTBEAT_INTERVAL)
            .rpcTimeout(Duration.ofMillis(500))
            .clientRetryRpcTimeout(Duration.ofMillis(100))
            .clientMaxRetries(10);
        return new TestCluster(tuning.apply(builder).build());
    }

    /** @return a started cluster with the short default options. */
    static TestCluster started() {
        return create().startAll();
    }

    InMemoryNetwork network() {
        return network;
    }

    MemoryStorageProvider storage() {
        return storage;
    }

    /**
     * @param address a member.
     * @return the options a node at that address is created with: the other members as peers, this cluster's
     *         network and storage.
     */
    SkiffOptions options(String address) {
        final List<String> peers = new ArrayList<>(ADDRESSES);
        peers.remove(address);
        return base.toBuilder().network(network).storage(storage).peers(peers.toArray(String[]::new)).build();
    }

    /**
     * @param address a member.
     * @return the node instance at that address, created (not started) on first use.
     */
    SkiffNode node(String address) {
        return nodes.computeIfAbsent(address, a -> create(a, options(a)));
    }

    /**
     * Creates a new node instance at an address, replacing the previous one (which must be stopped), as a process
     * restart does.
     *
     * @param address a member.
     * @param options the options of the new instance.
     * @return the new node, not started.
     */
    SkiffNode replace(String address, SkiffOptions options) {
        if (running.contains(address)) {
            throw new IllegalStateException(address + " is running; stop it before replacing it");
        }
        final SkiffNode node = create(address, options);
        nodes.put(address, node);
        return node;
    }

    private SkiffNode create(String address, SkiffOptions options) {
        final SkiffNode node = Skiff.node(address, options);
        final EventLog log = events.get(address);
        node.on(SkiffEvent.class, log::record);
        return node;
    }

    /** @return every node in address order. */
    List<SkiffNode> nodes() {
        return ADDRESSES.stream().map(this::node).collect(Collectors.toList());
    }

    /** Starts every node at once and waits until all have started. */
    TestCluster startAll() {
        final List<CompletableFuture<Void>> starts = new ArrayList<>();
        for (String address : ADDRESSES) {
            starts.add(node(address).start());
            running.add(address);
        }
        Await.result(CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)));
        return this;
    }

    /**
     * Starts the current instance at an address.
     *
     * @param address a member.
     * @return the node, started.
     */
    SkiffNode start(String address) {
        final SkiffNode node = node(address);
        running.add(address);
        Await.result(node.start());
        return node;
    }

    /**
     * Stops the node at an address and waits until it has stopped.
     *
     * @param node a member.
     */
    void stop(SkiffNode node) {
        running.remove(node.address().toString());
        Await.result(node.stop());
    }

    /**
     * Stops the node at an address and starts a new instance there with the same options and storage.
     *
     * @param node the node to restart.
     * @return the new instance, started.
     */
    SkiffNode restart(SkiffNode node) {
        final String address = node.address().toString();
        stop(node);
        replace(address, options(address));
        return start(address);
    }

    /** @return the nodes started and not stopped since. */
    List<SkiffNode> running() {
        return running.stream().map(this::node).collect(Collectors.toList());
    }

    /**
     * @param address a member.
     * @return what every node instance at that address reported so far.
     */
    EventLog events(String address) {
        return events.get(address);
    }

    /** @return the events of this node's address. */
    EventLog events(SkiffNode node) {
        return events(node.address().toString());
    }

    /**
     * Waits until the running nodes agree on one leader: exactly one of them leads, and every one reports it as
     * leader in the same term.
     *
     * @return the leader.
     */
    SkiffNode awaitLeader() {
        return awaitLeaderAmong(running());
    }

    /**
     * Waits until the given nodes agree on one leader among them, as {@link #awaitLeader()}.
     *
     * @param group the nodes that must agree.
     * @return the leader.
     */
    static SkiffNode awaitLeaderAmong(Collection<SkiffNode> group) {
        final List<SkiffNode> members = List.copyOf(group);
        return Await.value("one leader that " + members + " agree on", () -> agreedLeader(members),
            Optional::isPresent).orElseThrow();
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
        // The leader may have lost its place between the reads above; agreement must hold at the end.
        return leader.state() == NodeState.LEADER && leader.term() == term ? Optional.of(leader) : Optional.empty();
    }

    /**
     * @param leader the leader.
     * @return the other running nodes.
     */
    List<SkiffNode> followersOf(SkiffNode leader) {
        return running().stream().filter(node -> node != leader).collect(Collectors.toList());
    }

    /**
     * Waits until every listener of this node has seen every event the node published before this call: a local
     * read completes through the same ordered queue as the events, after them.
     *
     * @param node a running node with the {@code kv} state machine.
     */
    static void drainEvents(SkiffNode node) {
        Await.result(node.levelup().get("drain-events", ReadConsistency.LOCAL));
    }

    /** Stops every node and waits for them; failures to stop are collected and rethrown together. */
    @Override
    public void close() {
        final List<CompletableFuture<Void>> stops = new ArrayList<>();
        for (SkiffNode node : nodes.values()) {
            stops.add(node.stop());
        }
        running.clear();
        network.heal();
        Await.result(CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)));
    }

    @Override
    public String toString() {
        return "TestCluster" + nodes.values();
    }
}
