package io.skiff.testkit.sim;

import io.skiff.NodeAddress;
import io.skiff.NodeState;
import io.skiff.SkiffEvent;
import io.skiff.SkiffNode;
import io.skiff.SkiffOptions;
import io.skiff.core.raft.DeliberateBug;
import io.skiff.core.runtime.CoreNodeFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A whole cluster in one thread and in virtual time: real {@link SkiffNode}s (the real runtime and Raft core) over
 * a {@link SimNetwork} and simulated disks, with the {@link Invariants} checked after every step. Everything
 * random derives from the seed, so the same seed and the same calls replay the same run, event for event.
 *
 * <pre>{@code
 * Simulation sim = Simulation.builder().seed(42).nodes(3).build();
 * sim.start();
 * SkiffNode leader = sim.awaitLeader(Duration.ofSeconds(5));
 * sim.await(leader.levelup().put("k", "v"), Duration.ofSeconds(5));
 * sim.network().isolate(leader.address());
 * sim.runFor(Duration.ofSeconds(3));          // the others elect a new leader, in virtual time
 * }</pre>
 *
 * Not thread-safe: drive it from one thread.
 */
public final class Simulation {
    private final long seed;
    private final VirtualClock clock = new VirtualClock(1_000_000_000L);
    private final Scheduler scheduler = new Scheduler(clock);
    private final SplittableRandom random;
    private final SimNetwork network;
    private final SimStorageProvider storage;
    private final SimStateMachineProvider stateMachine;
    private final Invariants invariants;
    private final Map<NodeAddress, SimNode> machines = new LinkedHashMap<>();
    private final SkiffOptions options;
    private final long tickIntervalNs;
    private final List<String> log = new ArrayList<>();
    /** The nodes the cluster was started with; spares join later. */
    private final List<NodeAddress> founders;
    private final Set<DeliberateBug> bugs;
    private final DiskFaults baseDisk;

    private Simulation(Builder builder) {
        this.seed = builder.seed;
        this.random = new SplittableRandom(builder.seed);
        this.tickIntervalNs = builder.tickInterval.toNanos();
        this.bugs = Set.copyOf(builder.bugs);
        this.baseDisk = builder.disk;
        this.network = new SimNetwork(scheduler, random.split(), builder.inboxLimit);
        this.storage = new SimStorageProvider(this);
        final List<NodeAddress> addresses = addresses(builder.nodes + builder.spares);
        this.founders = List.copyOf(addresses.subList(0, builder.nodes));
        this.invariants = new Invariants(founders);
        final SkiffOptions.Builder options = SkiffOptions.builder()
            .electionTimeoutMin(Duration.ofMillis(150)).electionTimeoutMax(Duration.ofMillis(300))
            .appendEntriesInterval(Duration.ofMillis(50)).rpcTimeout(Duration.ofMillis(500))
            .clientRetryRpcTimeout(Duration.ofMillis(100)).clientMaxRetries(10);
        builder.options.accept(options);
        this.stateMachine = new SimStateMachineProvider(this, options.build().stateMachine());
        this.options = options.network(network).storage(storage).stateMachine(stateMachine).build();
        for (NodeAddress address : addresses) {
            final SimNode machine = new SimNode(this, address, random.split());
            machine.disk(builder.disk);
            machines.put(address, machine);
        }
    }

    /**
     * @param nodes cluster size.
     * @return the addresses a simulation of that size gives its nodes: {@code /mem/n1} and up.
     */
    public static List<NodeAddress> addresses(int nodes) {
        final List<NodeAddress> addresses = new ArrayList<>();
        for (int i = 1; i <= nodes; i++) {
            addresses.add(NodeAddress.parse("/mem/n" + i));
        }
        return addresses;
    }

    /** @return a builder: 3 nodes, seed 0, 1 ms ticks. */
    public static Builder builder() {
        return new Builder();
    }

    public long seed() {
        return seed;
    }

    /** @return the current virtual time in nanoseconds. */
    public long nowNs() {
        return clock.nanoTime();
    }

    public SimNetwork network() {
        return network;
    }

    public Invariants invariants() {
        return invariants;
    }

    /** @return every node's address, in order. */
    public List<NodeAddress> addresses() {
        return List.copyOf(machines.keySet());
    }

    /** @return the options every node runs with. */
    public SkiffOptions options() {
        return options;
    }

    /** @return the running incarnation of a node, or empty while it is down. */
    public Optional<SkiffNode> node(NodeAddress address) {
        return Optional.ofNullable(machine(address).node());
    }

    /** @return the running incarnations, in address order. */
    public List<SkiffNode> runningNodes() {
        final List<SkiffNode> nodes = new ArrayList<>();
        for (SimNode machine : machines.values()) {
            if (machine.isUp()) {
                nodes.add(machine.node());
            }
        }
        return nodes;
    }

    /** @return how many times a node was started so far: its current incarnation while it runs. */
    public int incarnation(NodeAddress address) {
        return machine(address).incarnation();
    }

    /** @return whether that incarnation of the node is the one running now. */
    public boolean isRunning(NodeAddress address, int incarnation) {
        final SimNode machine = machine(address);
        return machine.isUp() && machine.incarnation() == incarnation;
    }

    /** Starts every founding node that is not running (spares start when they join). */
    public void start() {
        for (NodeAddress address : founders) {
            final SimNode machine = machines.get(address);
            if (!machine.isUp()) {
                start(machine);
            }
        }
    }

    /** @return the spare nodes, which are not members until they join. */
    public List<NodeAddress> spares() {
        final List<NodeAddress> spares = new ArrayList<>(machines.keySet());
        spares.removeAll(founders);
        return spares;
    }

    /**
     * Starts a node (if it is not running) in join mode with the founders as its peers, as an operator starts a new
     * member, then asks the leader to add it; without a leader (before the first election, say), asks a founder,
     * which keeps asking until one is elected.
     *
     * @return the join's outcome.
     */
    public CompletableFuture<Void> join(NodeAddress address) {
        record("join " + address);
        if (!machine(address).isUp()) {
            start(machine(address));
        }
        return leader().or(() -> founders.stream().filter(a -> !a.equals(address)).map(this::node).flatMap(Optional::stream).findFirst())
            .map(l -> l.join(address.toString()))
            .orElseGet(() -> CompletableFuture.failedFuture(new AssertionError("no founder running to ask")));
    }

    /** @return asks the leader to hand its leadership to a node. */
    public CompletableFuture<Void> transferLeadership(NodeAddress address) {
        record("transfer leadership to " + address);
        return leader().map(l -> l.transferLeadership(address.toString()))
            .orElseGet(() -> CompletableFuture.failedFuture(new AssertionError("no leader to ask")));
    }

    /** @return asks the leader to remove a member. */
    public CompletableFuture<Void> leave(NodeAddress address) {
        record("leave " + address);
        return leader().map(l -> l.leave(address.toString()))
            .orElseGet(() -> CompletableFuture.failedFuture(new AssertionError("no leader to ask")));
    }

    private void start(SimNode machine) {
        final SkiffNode node = CoreNodeFactory.create(machine.address(), peersOf(machine.address()),
            new SimHost(machine));
        machine.attach(node);
        node.on(SkiffEvent.StateChanged.class, e -> record(e.node() + " " + e.from() + " -> " + e.to() + " in term "
            + e.term()));
        record("start " + machine.address() + " (incarnation " + (machine.incarnation() + 1) + ")");
        try {
            node.start().join();
        } catch (java.util.concurrent.CompletionException e) {
            if (!(e.getCause() instanceof SimulatedCrash)) {
                throw e;
            }
            // The power went while the node was recovering; it comes back later, as any crash.
            crashed(machine, e.getCause().getMessage());
        }
    }

    /** A founder starts with the other founders as its peers; any other node joins with the founders as peers. */
    private SkiffOptions peersOf(NodeAddress address) {
        final List<NodeAddress> peers = new ArrayList<>(founders);
        peers.remove(address);
        return options.toBuilder().peers(peers).join(!founders.contains(address)).build();
    }

    /** Cuts a node's power: nothing is flushed, unsynced writes are lost, pending calls never complete. */
    public void crash(NodeAddress address) {
        final SimNode machine = machine(address);
        if (machine.isUp()) {
            record("crash " + address);
            machine.powerOff();
            storage.crash(machine);
        }
    }

    /** Starts a crashed or stopped node again from what its disk kept. */
    public void restart(NodeAddress address) {
        final SimNode machine = machine(address);
        if (!machine.isUp() && (founders.contains(address) || machine.incarnation() > 0)) {
            record("restart " + address);
            start(machine);
        }
    }

    /** Repairs everything: heals the network and its links, mends every disk, resumes and restarts every node. */
    public void repairAll() {
        record("repair everything");
        network.reset();
        for (SimNode machine : machines.values()) {
            machine.disk(baseDisk);
            // A pause outlives a crash, so a node that crashed while paused would otherwise come back frozen: a
            // voter the liveness check counts on but that never answers.
            if (machine.isPaused()) {
                resume(machine.address());
            }
            if (!machine.isUp()) {
                restart(machine.address());
            }
        }
    }

    /** Stops a node cleanly, as on SIGTERM. */
    public void stop(NodeAddress address) {
        final SimNode machine = machine(address);
        if (machine.isUp()) {
            record("stop " + address);
            machine.stopCleanly();
        }
    }

    /** Freezes a node (a stop-the-world pause): it does nothing while frames queue up for it. */
    public void pause(NodeAddress address) {
        record("pause " + address);
        machine(address).pause();
    }

    public void resume(NodeAddress address) {
        record("resume " + address);
        machine(address).resume();
    }

    /** Jumps a node's clock by {@code delta} (negative: backwards). */
    public void jumpClock(NodeAddress address, Duration delta) {
        record("clock " + address + " " + delta);
        machine(address).skewClock(delta.toNanos());
    }

    /**
     * Sets how a node's disk misbehaves from now on. A disk built to forget votes (a deliberately broken variant)
     * keeps forgetting them.
     */
    public void disk(NodeAddress address, DiskFaults faults) {
        record("disk " + address + " " + faults);
        machine(address).disk(faults.withForgottenVote(faults.forgetVote() || baseDisk.forgetVote()));
    }

    /** Runs the simulation for a span of virtual time. */
    public void runFor(Duration duration) {
        runUntilTime(clock.nanoTime() + duration.toNanos());
    }

    /**
     * Runs until a condition holds or the virtual timeout passes; the condition is checked after every event.
     *
     * @return whether the condition held.
     */
    public boolean runUntil(BooleanSupplier condition, Duration timeout) {
        final long deadline = clock.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (!scheduler.runNext(deadline)) {
                scheduler.advanceTo(deadline);
                return condition.getAsBoolean();
            }
        }
        return true;
    }

    void runUntilTime(long deadlineNs) {
        while (scheduler.runNext(deadlineNs)) {
            continue;
        }
        scheduler.advanceTo(deadlineNs);
    }

    /**
     * Runs until a future completes.
     *
     * @return its value.
     * @throws AssertionError when it does not complete within the virtual timeout, or completes exceptionally.
     */
    public <T> T await(CompletableFuture<T> future, Duration timeout) {
        if (!runUntil(future::isDone, timeout)) {
            throw new AssertionError("not completed within " + timeout + " of virtual time (seed " + seed + ")");
        }
        try {
            return future.get();
        } catch (ExecutionException e) {
            throw new AssertionError("completed exceptionally (seed " + seed + "): " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** @return the running leader of the highest term, if any. */
    public Optional<SkiffNode> leader() {
        SkiffNode leader = null;
        long term = -1;
        for (SimNode machine : machines.values()) {
            if (machine.isUp() && !machine.isPaused() && machine.agent().core().state() == NodeState.LEADER
                && machine.agent().core().term() > term) {
                leader = machine.node();
                term = machine.agent().core().term();
            }
        }
        return Optional.ofNullable(leader);
    }

    /** Runs until a leader exists; fails with the seed if none appears within the virtual timeout. */
    public SkiffNode awaitLeader(Duration timeout) {
        if (!runUntil(() -> leader().isPresent(), timeout)) {
            throw new AssertionError("no leader within " + timeout + " of virtual time (seed " + seed + "): "
                + machines.values());
        }
        return leader().orElseThrow();
    }

    /** @return the protocol violations every node commits on purpose (empty unless proving a checker). */
    public Set<DeliberateBug> deliberateBugs() {
        return bugs;
    }

    /** @return what happened to nodes and the network, with virtual timestamps, for failure reports. */
    public List<String> log() {
        return Collections.unmodifiableList(log);
    }

    /** @return events run so far. */
    public long eventsRun() {
        return scheduler.executed();
    }

    void record(String what) {
        log.add(String.format("%10.3f ms  %s", (clock.nanoTime() - 1_000_000_000L) / 1e6, what));
    }

    SimNode machine(NodeAddress address) {
        final SimNode machine = machines.get(address);
        if (null == machine) {
            throw new IllegalArgumentException("no simulated node " + address + "; nodes are " + machines.keySet());
        }
        return machine;
    }

    Scheduler scheduler() {
        return scheduler;
    }

    VirtualClock clock() {
        return clock;
    }

    long tickIntervalNs() {
        return tickIntervalNs;
    }

    void crashed(SimNode machine, String why) {
        record("crash " + machine.address() + ": " + why);
        machine.powerOff();
        storage.crash(machine);
        // The power comes back, as it would in a machine room.
        scheduler.after(machine.random().nextLong(100_000_000L, 1_000_000_000L), () -> restart(machine.address()));
    }

    void died(SimNode machine, Throwable cause) {
        record("died " + machine.address() + ": " + cause);
        machine.powerOff();
    }

    @Override
    public String toString() {
        return "Simulation{seed=" + seed + ", t=" + (clock.nanoTime() - 1_000_000_000L) / 1_000_000 + " ms, "
            + machines.values() + "}";
    }

    /** Builds a {@link Simulation}. */
    public static final class Builder {
        private long seed;
        private int nodes = 3;
        private int spares;
        private Duration tickInterval = Duration.ofMillis(1);
        private int inboxLimit = 10_000;
        private Consumer<SkiffOptions.Builder> options = b -> { };
        private final Set<DeliberateBug> bugs = EnumSet.noneOf(DeliberateBug.class);
        private DiskFaults disk = DiskFaults.HEALTHY;

        private Builder() {
        }

        public Builder seed(long value) {
            seed = value;
            return this;
        }

        /**
         * @param count cluster size, 1 to 9.
         * @return this.
         */
        public Builder nodes(int count) {
            if (count < 1 || count > 9) {
                throw new IllegalArgumentException("nodes must be 1 to 9, got " + count);
            }
            nodes = count;
            return this;
        }

        /**
         * @param count machines that are not members at the start and can {@link Simulation#join} later.
         * @return this.
         */
        public Builder spares(int count) {
            if (count < 0 || nodes + count > 9) {
                throw new IllegalArgumentException("spares must be 0 or more, with at most 9 machines in all, got "
                    + count);
            }
            spares = count;
            return this;
        }

        /** How often an idle node runs its duty cycle, in virtual time (timers resolve no finer). */
        public Builder tickInterval(Duration interval) {
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("tickInterval must be positive, got " + interval);
            }
            tickInterval = interval;
            return this;
        }

        /** Frames a node's inbox holds before the network drops more. */
        public Builder inboxLimit(int frames) {
            inboxLimit = frames;
            return this;
        }

        /**
         * Adjusts node options (timeouts, batching, ...). Network, storage and state machine are the simulation's.
         */
        public Builder options(Consumer<SkiffOptions.Builder> customizer) {
            options = customizer;
            return this;
        }

        /** How every disk behaves from the start. */
        public Builder disk(DiskFaults faults) {
            disk = faults;
            return this;
        }

        /**
         * Makes every node violate the protocol in this way, to prove that the checks catch it.
         *
         * @param bug the violation.
         * @return this.
         */
        public Builder deliberateBug(DeliberateBug bug) {
            bugs.add(bug);
            return this;
        }

        public Simulation build() {
            return new Simulation(this);
        }
    }
}
