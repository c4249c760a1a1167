package io.skiff.faults;

import io.skiff.testkit.check.Call;
import io.skiff.testkit.check.Operation;
import io.skiff.testkit.check.Outcome;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a run's history says beyond linearizability: whether an acknowledged write is missing from the final state,
 * how long the clients went without any success, and how long after a fault began a write succeeded again.
 */
final class HistoryChecks {
    private HistoryChecks() {
    }

    /** The longest interval without a successful call, and where it began. */
    record Stall(long lengthNs, long fromNs) {
    }

    /**
     * A key's final value must be written by its last acknowledged write or by a write that may have followed it:
     * every write that completed before the last-invoked acknowledged write was invoked precedes it in real time,
     * so its value cannot be the final one. Values are unique per write, so a value names its write.
     *
     * @param calls       the history.
     * @param finalValues each key's value after healing, {@code null} for absent; keys missing here are not checked.
     * @return one message per key whose final value is none of those that may be final.
     */
    static List<String> lostWrites(List<Call> calls, Map<String, String> finalValues) {
        final Map<String, List<Write>> writes = new TreeMap<>();
        for (Call call : calls) {
            if (Outcome.Status.FAIL == call.outcome().status()) {
                continue;
            }
            for (Operation write : writesOf(call.operation())) {
                writes.computeIfAbsent(write.key(), key -> new ArrayList<>()).add(new Write(call, write.value()));
            }
        }
        final List<String> lost = new ArrayList<>();
        for (Map.Entry<String, List<Write>> entry : writes.entrySet()) {
            final String key = entry.getKey();
            if (!finalValues.containsKey(key)) {
                continue;
            }
            final Write lastAcknowledged = entry.getValue().stream()
                .filter(write -> Outcome.Status.OK == write.call.outcome().status())
                .max((a, b) -> Long.compare(a.call.invokeNs(), b.call.invokeNs())).orElse(null);
            if (null == lastAcknowledged) {
                continue;
            }
            final List<String> possible = new ArrayList<>();
            boolean found = false;
            for (Write write : entry.getValue()) {
                if (write.call.completeNs() >= lastAcknowledged.call.invokeNs()) {
                    possible.add(String.valueOf(write.value));
                    found |= Objects.equals(write.value, finalValues.get(key));
                }
            }
            if (!found) {
                lost.add("key " + key + " ends as " + finalValues.get(key) + " after the acknowledged write "
                    + lastAcknowledged.call + ": expected one of " + possible);
            }
        }
        return lost;
    }

    private record Write(Call call, String value) {
    }

    private static List<Operation> writesOf(Operation operation) {
        switch (operation.kind()) {
            case PUT:
            case DEL:
                return List.of(operation);
            case BATCH:
                // A later write to a key in the batch wins.
                final Map<String, Operation> last = new HashMap<>();
                operation.writes().forEach(write -> last.put(write.key(), write));
                return List.copyOf(last.values());
            default:
                return List.of();
        }
    }

    /**
     * @param calls  the history.
     * @param fromNs the start of the observed interval (when the clients started).
     * @param toNs   its end (when they were told to stop).
     * @return the longest interval within it without any successful completion.
     */
    static Stall longestStall(List<Call> calls, long fromNs, long toNs) {
        final long[] successes = calls.stream().filter(call -> Outcome.Status.OK == call.outcome().status())
            .mapToLong(Call::completeNs).filter(time -> time >= fromNs && time <= toNs).sorted().toArray();
        long previous = fromNs;
        Stall longest = new Stall(0, fromNs);
        for (long time : successes) {
            if (time - previous > longest.lengthNs()) {
                longest = new Stall(time - previous, previous);
            }
            previous = time;
        }
        return toNs - previous > longest.lengthNs() ? new Stall(toNs - previous, previous) : longest;
    }

    /**
     * @param calls   the history.
     * @param startNs when a fault began.
     * @return how long after it the first write invoked after it was acknowledged, or -1 if none was.
     */
    static long firstWriteAfter(List<Call> calls, long startNs) {
        return calls.stream()
            .filter(call -> Operation.Kind.GET != call.operation().kind() && call.invokeNs() >= startNs
                && Outcome.Status.OK == call.outcome().status())
            .mapToLong(call -> call.completeNs() - startNs).min().orElse(-1);
    }
}
