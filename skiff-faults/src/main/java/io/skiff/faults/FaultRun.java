package io.skiff.faults;

import io.skiff.testkit.check.Call;
import io.skiff.testkit.check.History;
import io.skiff.testkit.check.LinearizabilityChecker;
import io.skiff.testkit.check.Operation;
import io.skiff.testkit.check.Outcome;
import io.skiff.testkit.check.Result;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One run of the fault suite: start a cluster of {@code skiff node} processes, run the clients, apply the seeded
 * faults one after another, heal, and check.
 *
 * <p>The checks: the history, with a final linearizable read of every key, is linearizable (the testkit's checker);
 * no acknowledged write is missing from the final state ({@link HistoryChecks#lostWrites}); every node converges
 * (one leader reporting every member as a voter, every node's applied index at the commit index, the same value of
 * every key read locally on every node); and no well-formed request was refused as malformed. It measures the
 * longest interval without a successful call and, for each fault, how long after it began a write succeeded.
 *
 * <p>The cluster's directory (data, one log per node and the run's log) is deleted
 * when the run passes and kept when it does not.
 */
public final class FaultRun {
    /** The gateways' {@code --request-timeout-ms}: short, so that a call to a cut-off node ends quickly. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);
    /** The clients' bound on one call: longer than the gateway's own, so that its 504 arrives first. */
    static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(4);
    static final Duration CONVERGENCE_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration LEAD_IN = Duration.ofSeconds(2);
    private static final Duration TAIL = Duration.ofSeconds(3);
    private static final int CLIENTS = 4;
    private static final int MAX_OPS_PER_CLIENT = 200_000;
    private static final int FINAL_READ_ATTEMPTS = 20;

    /**
     * What to run.
     *
     * @param seed     the seed of the schedule and the clients' choices.
     * @param nodes    the cluster's size.
     * @param kinds    the kinds of fault the nemesis draws from.
     * @param covering each kind once per round, shuffled (the smoke), rather than drawn with replacement.
     * @param steps    how many faults at most.
     * @param duration how long the nemesis keeps going at most (it finishes the step in progress).
     * @param script   steps to apply instead of drawing them, in order; empty to draw them.
     */
    public record Config(long seed, int nodes, List<FaultKind> kinds, boolean covering, int steps,
        Duration duration, List<FaultStep> script) {
        /** @return a run of faults drawn from the seed. */
        public static Config drawn(long seed, int nodes, List<FaultKind> kinds, boolean covering, int steps,
            Duration duration) {
            return new Config(seed, nodes, kinds, covering, steps, duration, List.of());
        }

        /** @return a run of the given faults, in order. */
        public static Config scripted(long seed, int nodes, FaultStep... script) {
            return new Config(seed, nodes, List.of(), false, script.length, Duration.ofHours(1), List.of(script));
        }
    }

    private FaultRun() {
    }

    /**
     * @param config    what to run.
     * @param launcher  the {@code skiff} script.
     * @param directory where the run's files go; created, and deleted if the run passes.
     * @return what happened and what the checks found.
     */
    public static RunReport run(Config config, Path launcher, Path directory) {
        final long started = System.nanoTime();
        create(directory);
        final History history = new History();
        final List<FaultEvent> events = new ArrayList<>();
        final List<String> violations = new ArrayList<>();
        final Gateway gateway = new Gateway(CLIENT_TIMEOUT);
        final long workloadStart;
        final long workloadEnd;
        Map<String, String> finalValues = Map.of();
        try (ProcessCluster cluster = new ProcessCluster(launcher, directory, config.nodes(), REQUEST_TIMEOUT)) {
            cluster.start();
            final Workload workload = new Workload(cluster.members(), gateway, history, config.seed(), CLIENTS,
                MAX_OPS_PER_CLIENT);
            workloadStart = System.nanoTime();
            workload.start(config.duration().plus(Duration.ofMinutes(5)));
            try {
                LockSupport.parkNanos(LEAD_IN.toNanos());
                final Nemesis nemesis = config.script().isEmpty()
                    ? new Nemesis(config.seed(), config.kinds(), config.covering()) : null;
                final long nemesisEnd = System.nanoTime() + config.duration().toNanos();
                for (int step = 0; step < config.steps() && System.nanoTime() - nemesisEnd < 0; step++) {
                    final FaultStep next = null == nemesis ? config.script().get(step) : nemesis.next();
                    log(directory, "step " + step + ": " + next);
                    events.add(Nemesis.apply(cluster, next, config.seed()));
                    log(directory, "  " + events.get(events.size() - 1));
                }
                LockSupport.parkNanos(TAIL.toNanos());
            } finally {
                try {
                    cluster.heal();
                } finally {
                    workload.stop();
                }
            }
            workloadEnd = System.nanoTime();
            try {
                cluster.awaitConvergence(CONVERGENCE_TIMEOUT);
                finalValues = finalReads(cluster, gateway, history);
                final Map<Member, Map<String, String>> local = cluster.localValues(keys());
                for (Map.Entry<Member, Map<String, String>> state : local.entrySet()) {
                    if (!state.getValue().equals(finalValues)) {
                        violations.add(state.getKey() + " holds " + state.getValue() + " read locally: expected "
                            + finalValues + " as read through the leader");
                    }
                }
            } catch (AssertionError notConverged) {
                violations.add("the nodes did not converge after healing: " + notConverged.getMessage());
            }
        }
        final List<Call> calls = history.calls();
        final Result result = LinearizabilityChecker.check(history, Duration.ofHours(1),
            LinearizabilityChecker.DEFAULT_MAX_STATES);
        if (!result.isLinearizable()) {
            violations.add("the history is not linearizable: " + result);
        }
        violations.addAll(HistoryChecks.lostWrites(calls, finalValues));
        for (FaultEvent event : events) {
            if (!event.served()) {
                violations.add("a gateway stopped serving well-behaved clients during " + event);
            }
        }
        if (gateway.unexpectedAnswers() > 0) {
            violations.add(gateway.unexpectedAnswers() + " well-formed requests refused as malformed, the first: "
                + gateway.firstUnexpected());
        }
        final HistoryChecks.Stall stall = HistoryChecks.longestStall(calls, workloadStart, workloadEnd);
        final List<Long> recoveries = new ArrayList<>();
        for (FaultEvent event : events) {
            final long ns = HistoryChecks.firstWriteAfter(calls, event.startNs());
            recoveries.add(ns < 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(ns));
        }
        long ok = 0;
        long failed = 0;
        for (Call call : calls) {
            ok += Outcome.Status.OK == call.outcome().status() ? 1 : 0;
            failed += Outcome.Status.FAIL == call.outcome().status() ? 1 : 0;
        }
        final RunReport report = new RunReport(config.seed(), config.nodes(), List.copyOf(events), recoveries, ok,
            failed, calls.size() - ok - failed, result.verdict(), List.copyOf(violations),
            TimeUnit.NANOSECONDS.toMillis(stall.lengthNs()), during(events, stall),
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        log(directory, report.describe());
        if (report.passed()) {
            ProcessCluster.deleteTree(directory);
        }
        return report;
    }

    static List<String> keys() {
        final List<String> keys = new ArrayList<>();
        for (int i = 0; i < Workload.KEYS; i++) {
            keys.add(Workload.key(i));
        }
        return keys;
    }

    /** Reads every key through the leader, linearizably, recording the reads in the history. */
    private static Map<String, String> finalReads(ProcessCluster cluster, Gateway gateway, History history) {
        final Map<String, String> values = new HashMap<>();
        final Member leader = cluster.awaitLeader(CONVERGENCE_TIMEOUT);
        for (String key : keys()) {
            for (int attempt = 0; attempt < FINAL_READ_ATTEMPTS && !values.containsKey(key); attempt++) {
                final long call = history.invoke(CLIENTS, Operation.get(key), System.nanoTime());
                final Outcome outcome = gateway.execute(leader, Operation.get(key));
                history.complete(call, outcome, System.nanoTime());
                if (Outcome.Status.OK == outcome.status()) {
                    values.put(key, outcome.value());
                }
            }
            if (!values.containsKey(key)) {
                throw new AssertionError("the leader " + leader + " did not answer a read of " + key + " in "
                    + FINAL_READ_ATTEMPTS + " attempts");
            }
        }
        return values;
    }

    private static String during(List<FaultEvent> events, HistoryChecks.Stall stall) {
        for (FaultEvent event : events) {
            if (event.startNs() <= stall.fromNs() + stall.lengthNs() && stall.fromNs() <= event.endNs()) {
                return "during " + event.step();
            }
        }
        return "no fault in progress";
    }

    private static void create(Path directory) {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + directory, e);
        }
    }

    private static void log(Path directory, String line) {
        try {
            Files.writeString(directory.resolve("run.log"), line + System.lineSeparator(),
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the run's log in " + directory, e);
        }
    }
}
