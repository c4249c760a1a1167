package io.skiff.benchmarks.load;

import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The outcome of a load run.
 *
 * @param options               what ran.
 * @param seconds               the measured period.
 * @param writes                the {@code put}s completed in it.
 * @param reads                 the {@code get}s completed in it.
 * @param errors                requests that failed during the run (warm-up included), by exception type.
 * @param elections             elections started on any node from the start of the warm-up to the end.
 * @param leaderChanges         leader changes seen by any node over the same time.
 * @param leaderLoopBytesPerOp  bytes allocated by the leader's loop thread per completed request.
 * @param leaderEventBytesPerOp bytes allocated by the leader's event thread (future completion) per request.
 * @param jvmBytesPerOp         bytes allocated by every thread of the JVM per request, clients included.
 * @param environment           JVM, processors and date of the run.
 */
public record LoadReport(LoadOptions options, double seconds, OperationStats writes, OperationStats reads,
    Map<String, Long> errors, long elections, long leaderChanges, long leaderLoopBytesPerOp,
    long leaderEventBytesPerOp, long jvmBytesPerOp, String environment) {

    /** @return the result as a table, one row per kind of request. */
    public String table() {
        final StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "cluster: %s%n", options.cluster()));
        text.append(String.format(Locale.ROOT, "load: %d client(s) x %d in flight to %s, %d-byte values, "
                + "%d%% %s reads over %,d keys; %.1f s warm-up, %.1f s measured%n", options.clients(),
            options.inFlight(), options.allNodes() ? "every node" : "the leader", options.valueBytes(),
            options.readPercent(), options.readConsistency().name().toLowerCase(Locale.ROOT), options.keys(),
            options.warmup().toMillis() / 1e3, seconds));
        text.append(String.format(Locale.ROOT, "%-8s %12s %12s %10s %10s %10s %10s %10s %10s%n", "request",
            "count", "ops/s", "mean µs", "p50 µs", "p90 µs", "p99 µs", "p99.9 µs", "max µs"));
        row(text, "put", writes);
        row(text, "get", reads);
        text.append(String.format(Locale.ROOT, "%-8s %12d %12.0f%n", "total", writes.count() + reads.count(),
            writes.perSecond() + reads.perSecond()));
        text.append(String.format(Locale.ROOT, "elections: %d, leader changes: %d (expected 0 under load)%n",
            elections, leaderChanges));
        text.append(String.format(Locale.ROOT, "allocated per request: leader loop %,d B, leader events %,d B, "
            + "whole JVM %,d B%n", leaderLoopBytesPerOp, leaderEventBytesPerOp, jvmBytesPerOp));
        text.append("errors: ").append(errors.isEmpty() ? "none" : errors).append(System.lineSeparator());
        text.append(environment).append(System.lineSeparator());
        return text.toString();
    }

    private static void row(StringBuilder text, String name, OperationStats stats) {
        if (stats.count() == 0) {
            return;
        }
        text.append(String.format(Locale.ROOT, "%-8s %12d %12.0f %10.1f %10.1f %10.1f %10.1f %10.1f %10.1f%n",
            name, stats.count(), stats.perSecond(), stats.meanUs(), stats.p50Us(), stats.p90Us(), stats.p99Us(),
            stats.p999Us(), stats.maxUs()));
    }

    /** @return the result as one JSON object. */
    public String toJson() {
        final ClusterSpec cluster = options.cluster();
        final String errorsJson = errors.entrySet().stream()
            .map(e -> "\"" + e.getKey() + "\": " + e.getValue()).collect(Collectors.joining(", ", "{", "}"));
        return String.format(Locale.ROOT, "{\"cluster\": {\"nodes\": %d, \"transport\": \"%s\", \"storage\": \"%s\", "
                + "\"durable\": %b, \"stateMachine\": \"%s\"}, "
                + "\"workload\": {\"clients\": %d, \"inFlight\": %d, \"valueBytes\": %d, \"readPercent\": %d, "
                + "\"readConsistency\": \"%s\", \"keys\": %d, \"target\": \"%s\", \"warmupSeconds\": %.1f, "
                + "\"durationSeconds\": %.1f}, "
                + "\"writes\": %s, \"reads\": %s, \"totalPerSecond\": %.1f, \"errors\": %s, \"elections\": %d, "
                + "\"leaderChanges\": %d, \"leaderLoopBytesPerOp\": %d, \"leaderEventBytesPerOp\": %d, "
                + "\"jvmBytesPerOp\": %d, \"environment\": \"%s\"}",
            cluster.nodes(), cluster.transport(), cluster.storage(), cluster.durable(), cluster.stateMachine(),
            options.clients(), options.inFlight(), options.valueBytes(), options.readPercent(),
            options.readConsistency().name().toLowerCase(Locale.ROOT), options.keys(), options.allNodes() ? "all"
            : "leader", options.warmup().toMillis() / 1e3, seconds, writes.toJson(),
            reads.toJson(), writes.perSecond() + reads.perSecond(), errorsJson, elections, leaderChanges,
            leaderLoopBytesPerOp, leaderEventBytesPerOp, jvmBytesPerOp, environment.replace("\"", "'"));
    }
}
