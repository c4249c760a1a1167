package io.skiff.faults;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** The figures of many runs together: what the soak prints at its end. */
public final class SoakSummary {
    private final List<RunReport> reports = new ArrayList<>();

    public void add(RunReport report) {
        reports.add(report);
    }

    public List<RunReport> reports() {
        return List.copyOf(reports);
    }

    /** @return every violation of every run, prefixed with its seed. */
    public List<String> violations() {
        final List<String> violations = new ArrayList<>();
        reports.forEach(report -> report.violations().forEach(v -> violations.add("seed " + report.seed() + ": " + v)));
        return violations;
    }

    /** @return the summary: runs, faults by kind, calls, violations, longest stall, failover and rejoin times. */
    public String describe() {
        final Map<String, Integer> faults = new TreeMap<>();
        final List<Long> failovers = new ArrayList<>();
        final List<Long> backs = new ArrayList<>();
        long ok = 0;
        long failed = 0;
        long unknown = 0;
        long wallMs = 0;
        RunReport stalest = null;
        for (RunReport report : reports) {
            report.events().forEach(event -> faults.merge(event.step().kind().label(), 1, Integer::sum));
            report.events().forEach(event -> backs.add(event.backMs()));
            failovers.addAll(report.failoverMs());
            ok += report.ok();
            failed += report.failed();
            unknown += report.unknown();
            wallMs += report.wallMs();
            if (null == stalest || report.longestStallMs() > stalest.longestStallMs()) {
                stalest = report;
            }
        }
        final StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "fault soak: %d runs (%d passed) in %.1f min%n", reports.size(),
            reports.stream().filter(RunReport::passed).count(), wallMs / 60_000.0));
        text.append(String.format(Locale.ROOT, "faults: %d %s%n", faults.values().stream().mapToInt(i -> i).sum(),
            faults));
        text.append(String.format(Locale.ROOT, "calls: %d (%d ok, %d failed, %d unknown)%n", ok + failed + unknown, ok,
            failed, unknown));
        text.append(String.format(Locale.ROOT, "violations: %d%n", violations().size()));
        violations().forEach(violation -> text.append("  ").append(violation).append('\n'));
        if (null != stalest) {
            text.append(String.format(Locale.ROOT, "longest stall: %d ms (seed %d, %s)%n", stalest.longestStallMs(),
                stalest.seed(), stalest.stallDuring()));
        }
        text.append("failover (first write acknowledged after the leader was taken out), ms: ")
            .append(distribution(failovers)).append('\n');
        text.append("back in the cluster after healing (following the leader, caught up), ms: ")
            .append(distribution(backs)).append('\n');
        return text.toString();
    }

    private static String distribution(List<Long> values) {
        if (values.isEmpty()) {
            return "none";
        }
        final List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return String.format(Locale.ROOT, "%d of them: min %d, median %d, p90 %d, max %d%s", sorted.size(),
            sorted.get(0), sorted.get(sorted.size() / 2), sorted.get((int)Math.min(sorted.size() - 1,
                Math.ceil(sorted.size() * 0.9) - 1)), sorted.get(sorted.size() - 1),
            sorted.contains(-1L) ? " (-1: never)" : "");
    }
}
