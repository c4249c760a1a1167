package io.skiff.testkit;

import io.skiff.NodeAddress;
import io.skiff.NodeState;
import io.skiff.SkiffNode;
import io.skiff.SkiffOptions;
import io.skiff.core.runtime.CoreNodeFactory;
import io.skiff.testkit.sim.DiskFaults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
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
 *     cluster.network().faults(LinkFaults.NONE.withDrop(0.1).withDelay(1_000_000, 5_000_000));
 *     cluster.pause(2);
 *     ...
 * }
 * }</pre>
 *
 * <p>Faults: the {@link #network()}'s cuts and link faults (loss, duplication, latency, reordering, loss by message
 * type, in-flight limits), crashes and restarts, stop-the-world {@link #pause pauses}, {@link #jumpClock clock
 * jumps} and {@link #disk disk faults} (slow syncs, failing writes). A power cut in the middle of a sync and a torn
 * last entry exist only in the simulation.
 * The network's randomness uses the options' {@link SkiffOptions#seed() seed} when the tuning sets one; print
 * {@code network().seed()} when a test fails, but expect no replay: threads and real time decide which frame meets
 * which draw.
 *
 * For reproducible runs under faults in virtual time, use {@link io.skiff.testkit.sim.Simulation} instead.
 */
public final class LocalCluster implements AutoCloseable {
    /** How long a node's loop may take to reach its next poll when paused. */
    private static final long PAUSE_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(5);

    private final InMemoryNetwork network;
    private final PausableNetwork transports;
    private final FaultyDisks storage = new FaultyDisks();
    private final List<NodeAddress> addresses = new ArrayList<>();
    private final List<JumpableHost> hosts = new ArrayList<>();
    private final List<SkiffNode> nodes = new ArrayList<>();
    private final SkiffOptions options;

    private LocalCluster(int size, Consumer<SkiffOptions.Builder> tuning) {
        final SkiffOptions.Builder builder = SkiffOptions.builder()
            .electionTimeoutMin(Duration.ofMillis(150)).electionTimeoutMax(Duration.ofMillis(300))
            .appendEntriesInterval(Duration.ofMillis(50)).rpcTimeout(Duration.ofMillis(500))
            .clientRetryRpcTimeout(Duration.ofMillis(100));
        tuning.accept(builder);
        final long seed = builder.build().seed().orElseGet(() -> ThreadLocalRandom.current().nextLong());
        network = new InMemoryNetwork(1 << 20, seed);
        transports = new PausableNetwork(network);
        options = builder.network(transports).storage(storage).build();
        for (int i = 1; i <= size; i++) {
            addresses.add(NodeAddress.parse("/mem/n" + i));
            hosts.add(new JumpableHost());
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
        final SkiffNode node = CoreNodeFactory.create(addresses.get(i), options.toBuilder().peers(peers).build(),
            hosts.get(i));
        nodes.set(i, node);
        return node.start();
    }

    /**
     * @return the cluster's network, where cuts ({@code partition}, {@code isolate}, {@code block}, {@code heal}),
     * link faults ({@code faults}, {@code reset}), frame counters and the seed live; addresses are
     * {@code /mem/n1} and up.
     */
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

    /**
     * Stalls node {@code i}, stop-the-world, until {@link #resume}: its loop stops (no timers, no frames handled, no
     * operations served, nothing sent or written) while frames sent to it wait in its inbox. Other threads of the
     * test keep running, so calls to the node wait. Unlike a partition, what the node missed reaches it when it
     * resumes, and its clock seems to have jumped. Idempotent.
     *
     * @throws IllegalStateException when the node is not running, or its loop does not stall within 5 s.
     */
    public void pause(int i) {
        final SkiffNode node = node(i);
        final PausableTransport transport = transports.transport(addresses.get(i - 1));
        if (node.state() == NodeState.STOPPED || null == transport) {
            throw new IllegalStateException("cannot pause node " + i + " (" + addresses.get(i - 1)
                + "): expected it running, actual " + node.state());
        }
        transport.pause(PAUSE_TIMEOUT_NS);
    }

    /** Lets node {@code i} run again after {@link #pause}; does nothing if it is not paused. */
    public void resume(int i) {
        final PausableTransport transport = transports.transport(addresses.get(i - 1));
        if (null != transport) {
            transport.resume();
        }
    }

    /** @return whether node {@code i} is paused. */
    public boolean isPaused(int i) {
        final PausableTransport transport = transports.transport(addresses.get(i - 1));
        return null != transport && transport.isPaused();
    }

    /**
     * Moves node {@code i}'s clock forward, as an NTP step or a virtual machine resumed elsewhere does: every timer
     * of the node (its election timeout, its leader lease, its heartbeats) falls due at its next duty cycle, unless a
     * frame handled in that cycle resets it first, as a heartbeat from a live leader does. The jump stays for its
     * later incarnations.
     *
     * @throws IllegalArgumentException when {@code delta} is not positive: a monotonic clock never goes back.
     */
    public void jumpClock(int i, Duration delta) {
        node(i);
        hosts.get(i - 1).jump(delta.toNanos());
    }

    /**
     * Changes how node {@code i}'s disk behaves from now on, for this and later incarnations: each sync (log and term
     * or vote) takes {@link DiskFaults#syncLatencyNs()} of real time, stalling the node's loop as a slow device does;
     * with {@link DiskFaults#failWrites()} every write fails, and the node stops rather than acknowledge what it
     * could not persist ({@link SkiffNode#state()} becomes {@code STOPPED}; {@link #restart} it once the disk is
     * healthy again). Until this is called a node's disk syncs at memory speed.
     *
     * @throws IllegalArgumentException for the faults only a simulation can stage: a power cut during a sync, a torn
     * last entry, or a forgotten vote.
     */
    public void disk(int i, DiskFaults faults) {
        node(i);
        if (faults.crashOnSyncProbability() > 0 || faults.tornTailOnCrash() || faults.forgetVote()) {
            throw new IllegalArgumentException("a local cluster injects slow syncs and failing writes only; power cuts"
                + " during a sync, torn entries and forgotten votes need the simulation: " + faults);
        }
        storage.faults(addresses.get(i - 1), faults);
    }

    /**
     * Stops node {@code i} and loses what its storage had not synced, as a power cut does. A paused node dies
     * without waking: it receives and sends nothing more.
     */
    public void crash(int i) {
        sever(i);
        node(i).stop().join();
        storage.crash(addresses.get(i - 1));
    }

    /** Starts node {@code i} again (a new instance) from what its storage kept; the new instance is not paused. */
    public void restart(int i) {
        sever(i);
        node(i).stop().join();
        startNode(i - 1).join();
    }

    /** Stops every node, paused ones included, then the network's delivery thread. */
    @Override
    public void close() {
        for (int i = 1; i <= nodes.size(); i++) {
            sever(i);
        }
        for (SkiffNode node : nodes) {
            node.close();
        }
        network.close();
    }

    /** A paused node about to stop leaves its pause cut off, so that it cannot act on the cluster any more. */
    private void sever(int i) {
        final PausableTransport transport = transports.transport(addresses.get(i - 1));
        if (null != transport && transport.isPaused()) {
            transport.sever();
        }
    }
}
