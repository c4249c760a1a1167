package io.skiff.testkit.check;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Linearizability straight from the definition, for tiny histories: try every order of the operations that
 * respects real time, with ok operations required, unknown writes optional, failed operations and unknown reads
 * left out. Independent of the checker's code (its own model, no reduction, no partitions), so the two can be
 * compared on random histories.
 */
final class BruteForceChecker {
    private final List<Call> ops = new ArrayList<>();
    private final Set<String> failedNodes = new HashSet<>();
    private int mustPlace;

    private BruteForceChecker(List<Call> calls) {
        for (final Call call : calls) {
            final Outcome.Status status = call.outcome().status();
            if (Outcome.Status.FAIL == status
                || (Outcome.Status.OK != status && Operation.Kind.GET == call.operation().kind())) {
                continue;
            }
            ops.add(call);
            mustPlace += Outcome.Status.OK == status ? 1 : 0;
        }
    }

    static boolean isLinearizable(History history) {
        final BruteForceChecker checker = new BruteForceChecker(history.calls());
        return checker.search(0, 0, new TreeMap<>());
    }

    private boolean search(long placedMask, int placedOk, Map<String, String> state) {
        if (placedOk == mustPlace) {
            return true;
        }
        final String node = placedMask + " " + state;
        if (failedNodes.contains(node)) {
            return false;
        }
        for (int i = 0; i < ops.size(); i++) {
            if (0 != (placedMask & (1L << i)) || !predecessorsPlaced(placedMask, i)) {
                continue;
            }
            final Map<String, String> after = apply(ops.get(i), state);
            if (null != after && search(placedMask | (1L << i),
                placedOk + (Outcome.Status.OK == ops.get(i).outcome().status() ? 1 : 0), after)) {
                return true;
            }
        }
        failedNodes.add(node);
        return false;
    }

    /** @return whether every ok operation that returned before {@code i} was invoked is placed. */
    private boolean predecessorsPlaced(long placedMask, int i) {
        final Call candidate = ops.get(i);
        for (int j = 0; j < ops.size(); j++) {
            final Call other = ops.get(j);
            if (0 == (placedMask & (1L << j)) && Outcome.Status.OK == other.outcome().status()
                && (other.completeNs() < candidate.invokeNs() || (other.completeNs() == candidate.invokeNs()
                && other.completeSeq() < candidate.invokeSeq()))) {
                return false;
            }
        }
        return true;
    }

    /** @return the state after the call, or {@code null} if its recorded result does not fit. */
    private static Map<String, String> apply(Call call, Map<String, String> state) {
        final Operation op = call.operation();
        final Outcome outcome = call.outcome();
        final boolean ok = Outcome.Status.OK == outcome.status();
        final Map<String, String> after = new TreeMap<>(state);
        switch (op.kind()) {
            case GET:
                return Objects.equals(state.get(op.key()), outcome.value()) ? state : null;
            case PUT:
                after.put(op.key(), op.value());
                return after;
            case DEL:
                after.remove(op.key());
                return after;
            case CAS:
                final boolean matches = Objects.equals(state.get(op.key()), op.expected());
                if (ok && matches != outcome.applied()) {
                    return null;
                }
                if (matches) {
                    set(after, op.key(), op.value());
                }
                return after;
            default:
                for (final Operation write : op.writes()) {
                    set(after, write.key(), write.value());
                }
                return after;
        }
    }

    private static void set(Map<String, String> state, String key, String value) {
        if (null == value) {
            state.remove(key);
        } else {
            state.put(key, value);
        }
    }
}
