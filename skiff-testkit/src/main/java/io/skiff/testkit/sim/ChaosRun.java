package io.skiff.testkit.sim;

import io.skiff.SkiffNode;
import io.skiff.SkiffOptions;
import io.skiff.core.raft.DeliberateBug;
import io.skiff.testkit.check.LinearizabilityChecker;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * A randomized simulation run: a seeded fault schedule and a client workload against a cluster, with the Raft
 * invariants checked after every step; then, once every fault is repaired, a liveness phase in which the cluster
 * must elect a leader and complete a write within a bound; then every call a client made on a node that still runs
 * must have ended (succeeded or failed) within {@link #callBound} of the healing or of its invocation, whichever is
 * later, since a call that hangs would otherwise pass as "unknown"; then the client history is checked for
 * linearizability ({@link LinearizabilityChecker}; a check that cannot decide counts as a failure). The seed
 * determines everything, so a failure replays with the same seed, and {@link #shrink} looks for a shorter schedule
 * that still fails.
 */
public final class ChaosRun {
    /** Far beyond what the state budget allows a search to take; only a hung search would reach it. */
    private static final Duration CHECK_WALL_CLOCK_LIMIT = Duration.ofHours(1);
    /**
     * What a run does.
     *
     * @param nodes         cluster size.
     * @param faultPhase    how long faults are injected.
     * @param meanFaultGap  mean time between faults.
     * @param maxImpaired   the most nodes crashed, paused or cut off at once.
     * @param workload      the clients.
     * @param livenessBound how long the healed cluster may take to elect a leader and complete a write.
     * @param bugs          protocol violations every node commits (to prove the checks); normally none.
     * @param options       node option changes.
     * @param disk          how every disk behaves unless the schedule changes it.
     * @param spares        machines outside the cluster that the schedule makes join (and members leave).
     * @param handovers     whether the schedule also transfers leadership (to reachable members or not, so that
     *                      transfers time out too) and starts joins before the first election.
     */
    public record Settings(int nodes, Duration faultPhase, Duration meanFaultGap, int maxImpaired,
        Workload.Options workload, Duration livenessBound, Set<DeliberateBug> bugs,
        Consumer<SkiffOptions.Builder> options, DiskFaults disk, int spares, boolean handovers) {

        /** Three nodes, 20 s of faults about every 400 ms with one node impaired at a time, five clients. */
        public static Settings defaults() {
            return new Settings(3, Duration.ofSeconds(20), Duration.ofMillis(400), 1, Workload.Options.DEFAULT,
                Duration.ofSeconds(10), EnumSet.noneOf(DeliberateBug.class), b -> { }, DiskFaults.HEALTHY, 0, false);
        }

        public Settings withNodes(int count) {
            return new Settings(count, faultPhase, meanFaultGap, maxImpaired, workload, livenessBound, bugs, options,
                disk, spares, handovers);
        }

        public Settings withFaultPhase(Duration phase) {
            return new Settings(nodes, phase, meanFaultGap, maxImpaired, workload, livenessBound, bugs, options,
                disk, spares, handovers);
        }

        public Settings withMaxImpaired(int impaired) {
            return new Settings(nodes, faultPhase, meanFaultGap, impaired, workload, livenessBound, bugs, options,
                disk, spares, handovers);
        }

        public Settings withMeanFaultGap(Duration gap) {
            return new Settings(nodes, faultPhase, gap, maxImpaired, workload, livenessBound, bugs, options, disk,
                spares, handovers);
        }

        public Settings withWorkload(Workload.Options clients) {
            return new Settings(nodes, faultPhase, meanFaultGap, maxImpaired, clients, livenessBound, bugs, options,
                disk, spares, handovers);
        }

        public Settings withBug(DeliberateBug bug) {
            final Set<DeliberateBug> more = EnumSet.noneOf(DeliberateBug.class);
            more.addAll(bugs);
            more.add(bug);
            return new Settings(nodes, faultPhase, meanFaultGap, maxImpaired, workload, livenessBound, more, options,
                disk, spares, handovers);
        }

        /** Spares join and members leave during the fault phase. */
        public Settings withSpares(int count) {
            return new Settings(nodes, faultPhase, meanFaultGap, maxImpaired, workload, livenessBound, bugs, options,
                disk, count, handovers);
        }

        /** Leadership transfers among the faults, and joins started before the first election. */
        public Settings withHandovers(boolean enabled) {
            return new Settings(nodes, faultPhase, meanFaultGap, maxImpaired, workload, livenessBound, bugs, options,
                disk, spares, enabled);
        }

        /** Every disk behaves this way, e.g. a deliberately broken one that forgets the vote. */
        public Settings withDisk(DiskFaults faults) {
            return new Settings(nodes, faultPhase, meanFaultGap, maxImpaired, workload, livenessBound, bugs, options,
                faults, spares, handovers);
        }

        public Settings withOptions(Consumer<SkiffOptions.Builder> changes) {
            return new Settings(nodes, faultPhase, meanFaultGap, maxImpaired, workload, livenessBound, bugs, changes,
                disk, spares, handovers);
        }
    }

    /**
     * The outcome of a run.
     *
     * @param seed       the seed.
     * @param schedule   the faults applied.
     * @param failure    what failed, or {@code null}.
     * @param failedAtNs virtual time of the failure since the run started, or -1.
     * @param operations the client history.
     * @param events     simulation events run.
     * @param log        what happened to nodes and network.
     */
    public record Result(long seed, FaultSchedule schedule, Throwable failure, long failedAtNs,
        List<Workload.Operation> operations, long events, List<String> log) {

        public boolean failed() {
            return null != failure;
        }

        /** @return a report: the failure, the seed and how to replay it, the schedule and the last events. */
        public String report() {
            final StringBuilder text = new StringBuilder();
            text.append(failed() ? "FAILED: " + failure.getMessage() : "passed").append('\n')
                .append("seed ").append(seed).append(" (replay: -Dskiff.seed=").append(seed).append(")\n")
                .append("failed at ").append(failedAtNs < 0 ? "-" : String.format("%.1f ms", failedAtNs / 1e6))
                .append(", ").append(events).append(" events, ").append(operations.size()).append(" operations\n")
                .append("fault schedule:\n").append(schedule)
                .append("last events:\n");
            log.subList(Math.max(0, log.size() - 40), log.size()).forEach(line -> text.append("  ").append(line)
                .append('\n'));
            return text.toString();
        }
    }

    private ChaosRun() {
    }

    /** Runs with a schedule generated from the seed. */
    public static Result run(long seed, Settings settings) {
        final SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
        final List<io.skiff.NodeAddress> machines = Simulation.addresses(settings.nodes() + settings.spares());
        final FaultSchedule schedule = FaultSchedule.random(random, machines.subList(0, settings.nodes()),
            machines.subList(settings.nodes(), machines.size()), settings.faultPhase(),
            settings.meanFaultGap(), settings.maxImpaired(), settings.handovers());
        return run(seed, settings, schedule);
    }

    /** Runs with a given schedule; everything else derives from the seed. */
    public static Result run(long seed, Settings settings, FaultSchedule schedule) {
        final Simulation.Builder builder = Simulation.builder().seed(seed).nodes(settings.nodes())
            .spares(settings.spares()).options(settings.options()).disk(settings.disk());
        settings.bugs().forEach(builder::deliberateBug);
        final Simulation sim = builder.build();
        final long startNs = sim.nowNs();
        final Workload workload = new Workload(sim, seed * 31 + 7, settings.workload());
        try {
            sim.start();
            for (FaultSchedule.Entry entry : schedule.entries()) {
                sim.scheduler().at(startNs + entry.atNs(), () -> entry.fault().apply(sim));
            }
            workload.start();
            sim.runUntilTime(startNs + settings.faultPhase().toNanos());
            sim.repairAll();
            final long healedAtNs = sim.nowNs();
            checkLiveness(sim, settings.livenessBound());
            workload.stop();
            final long boundNs = callBound(sim.options()).toNanos();
            sim.runUntilTime(Math.max(sim.nowNs() + settings.workload().timeout().plusMillis(100).toNanos(),
                workload.lastDueNs(healedAtNs, boundNs)));
            checkEveryCallEnded(workload, healedAtNs, boundNs);
            // Bounded by the state budget alone, which is deterministic: a wall-clock budget would let the same
            // seed pass on an idle machine and fail on a loaded one, and steer the shrinker by timing.
            final io.skiff.testkit.check.Result check = LinearizabilityChecker.check(workload.history(),
                CHECK_WALL_CLOCK_LIMIT, LinearizabilityChecker.DEFAULT_MAX_STATES);
            if (!check.isLinearizable()) {
                throw new AssertionError("linearizability: " + check);
            }
            return new Result(seed, schedule, null, -1, workload.operations(), sim.eventsRun(), sim.log());
        } catch (AssertionError | RuntimeException e) {
            sim.record("failed: " + e.getMessage() + "; state: " + sim);
            return new Result(seed, schedule, e, sim.nowNs() - startNs, workload.operations(), sim.eventsRun(),
                sim.log());
        }
    }

    /**
     * The healed cluster must complete a write within the bound. A write that fails is tried again through whoever
     * leads then (the node asked may have just been removed or deposed): liveness is about the cluster, not one node.
     */
    private static void checkLiveness(Simulation sim, Duration bound) {
        final long deadline = sim.nowNs() + bound.toNanos();
        AssertionError last = null;
        while (sim.nowNs() < deadline) {
            final Duration left = Duration.ofNanos(Math.max(1, deadline - sim.nowNs()));
            try {
                final SkiffNode leader = sim.awaitLeader(left);
                sim.await(leader.levelup().put("liveness", "ok"), Duration.ofNanos(Math.max(1,
                    deadline - sim.nowNs())));
                return;
            } catch (AssertionError e) {
                last = e;
            }
        }
        throw new AssertionError("liveness: the healed cluster did not complete a write within " + bound
            + (null == last ? "" : ": " + last.getMessage()), last);
    }

    /**
     * How long a call may take once the cluster is healthy, as the README documents: a command or read is tried
     * {@code clientMaxRetries + 1} times, each attempt waiting at most the longer of {@code clientRetryRpcTimeout}
     * and {@code rpcTimeout}, plus one attempt's worth for the deadline checks' granularity.
     */
    public static Duration callBound(SkiffOptions options) {
        final Duration attempt = options.clientRetryRpcTimeout().compareTo(options.rpcTimeout()) > 0
            ? options.clientRetryRpcTimeout() : options.rpcTimeout();
        return attempt.multipliedBy(options.clientMaxRetries() + 2L);
    }

    private static void checkEveryCallEnded(Workload workload, long healedAtNs, long boundNs) {
        final List<Workload.Operation> hung = workload.hung(healedAtNs, boundNs);
        if (!hung.isEmpty()) {
            throw new AssertionError("every call ends: " + hung.size() + " call(s) on running nodes neither succeeded"
                + " nor failed within " + Duration.ofNanos(boundNs) + " after healing (healed at "
                + String.format("%.1f ms", healedAtNs / 1e6) + "): " + hung.subList(0, Math.min(5, hung.size())));
        }
    }

    /** Shrinking keeps only runs that fail the same way (same property), not any failure at all. */
    private static boolean sameKind(Result candidate, Result original) {
        final String a = candidate.failure().getMessage();
        final String b = original.failure().getMessage();
        return null != a && null != b && a.substring(0, Math.min(a.length(), 24)).equals(b.substring(0,
            Math.min(b.length(), 24)));
    }

    /**
     * Looks for a shorter schedule that still fails: first cut everything after the failure, then drop one fault
     * at a time, keeping each removal after which the run still fails.
     *
     * @return the smallest failing run found (the given one if nothing smaller fails).
     */
    public static Result shrink(Result failed, Settings settings) {
        if (!failed.failed()) {
            return failed;
        }
        Result best = failed;
        final Result cut = run(failed.seed(), settings, failed.schedule().until(Math.max(0, failed.failedAtNs())));
        if (cut.failed() && sameKind(cut, failed)) {
            best = cut;
        }
        for (int i = best.schedule().entries().size() - 1; i >= 0; i--) {
            final Result fewer = run(best.seed(), settings, best.schedule().without(i));
            if (fewer.failed() && sameKind(fewer, failed)) {
                best = fewer;
            }
        }
        return best;
    }
}
