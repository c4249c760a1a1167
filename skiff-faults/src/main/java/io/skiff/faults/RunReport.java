package io.skiff.faults;

import io.skiff.testkit.check.Verdict;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * What one run did and found.
 *
 * @param seed              the run's seed.
 * @param nodes             the cluster's size.
 * @param events            the faults applied, in order.
 * @param recoveryMs        for each event, how long after it began a write invoked after its start was
 *                          acknowledged (-1: none was).
 * @param ok                calls that succeeded.
 * @param failed            calls that certainly had no effect.
 * @param unknown           calls whose effect is unknown (timeouts, dropped connections).
 * @param verdict           the linearizability checker's verdict.
 * @param violations        every problem found: non-linearizable history, lost acknowledged writes, nodes that did
 *                          not converge, answers the gateway's contract does not allow.
 * @param longestStallMs    the longest interval without any successful call.
 * @param stallDuring       the fault in progress when that stall began, or "no fault".
 * @param wallMs            how long the run took.
 */
public record RunReport(long seed, int nodes, List<FaultEvent> events, List<Long> recoveryMs, long ok, long failed,
    long unknown, Verdict verdict, List<String> violations, long longestStallMs, String stallDuring, long wallMs) {
    /** @return whether nothing was found. */
    public boolean passed() {
        return violations.isEmpty();
    }

    /** @return the failover times: recoveries after faults that took the leader out. */
    public List<Long> failoverMs() {
        final List<Long> failovers = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).failover()) {
                failovers.add(recoveryMs.get(i));
            }
        }
        return failovers;
    }

    /** @return a few lines: the faults with their recovery times, the operations, the verdicts. */
    public String describe() {
        final StringBuilder text = new StringBuilder(String.format(Locale.ROOT,
            "seed %d, %d nodes, %.1f s: %d faults, %d calls (%d ok, %d failed, %d unknown), %s, longest stall %d ms "
                + "(%s), failovers %s ms%n", seed, nodes, wallMs / 1000.0, events.size(), ok + failed + unknown, ok,
            failed, unknown, verdict, longestStallMs, stallDuring, failoverMs()));
        for (int i = 0; i < events.size(); i++) {
            final FaultEvent event = events.get(i);
            text.append(String.format(Locale.ROOT, "  %s; lasted %d ms, a write acknowledged %d ms after it began%s%n",
                event, TimeUnit.NANOSECONDS.toMillis(event.endNs() - event.startNs()), recoveryMs.get(i),
                event.failover() ? " (failover)" : ""));
        }
        violations.forEach(violation -> text.append("  VIOLATION: ").append(violation).append('\n'));
        return text.toString();
    }
}
