package io.skiff.testkit.check;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Turns the {@link StuckPoint} of a failed search into a {@link Violation} a person can read. Values are replayed
 * from the recorded calls, not from the search's interned (and possibly renamed) ones.
 */
final class Explanation {
    private static final int ORDER_TAIL = 10;
    private static final int MAX_CANDIDATES = 20;

    private Explanation() {
    }

    static Violation describe(List<String> keys, StuckPoint point) {
        final Set<Call> involved = new LinkedHashSet<>();
        final Map<String, String> state = new HashMap<>();
        final List<String> effects = new ArrayList<>(point.order.size());
        int placed = 0;
        for (final KvOp op : point.order) {
            effects.add(apply(op.call, state));
            placed += op.mustTakeEffect() ? 1 : 0;
        }

        final StringBuilder text = new StringBuilder();
        text.append("not linearizable on ").append(keys).append(": the longest valid order found places ")
            .append(placed).append(" of ").append(point.mustTakeEffect)
            .append(" operations that must take effect, and this one cannot come next:\n");
        final Call blocked = point.blocked.call;
        text.append("    ").append(blocked).append("   needs ").append(requirement(blocked)).append(", but ")
            .append(blocked.operation().key()).append(" = ").append(state.get(blocked.operation().key()))
            .append('\n');
        involved.add(blocked);

        final List<KvOp> others = new ArrayList<>(point.candidates);
        others.remove(point.blocked);
        if (!others.isEmpty()) {
            text.append("  nor can it after any of the other operations that could come next (")
                .append(others.size()).append("), whatever follows them:\n");
            for (int i = 0; i < Math.min(MAX_CANDIDATES, others.size()); i++) {
                text.append("    ").append(others.get(i).call).append('\n');
                involved.add(others.get(i).call);
            }
            if (others.size() > MAX_CANDIDATES) {
                text.append("    ...\n");
            }
        }

        final List<KvOp> order = point.order;
        if (order.isEmpty()) {
            text.append("  the order is empty: every key is still absent\n");
        } else {
            final int from = Math.max(0, order.size() - ORDER_TAIL);
            text.append("  the order").append(0 == from ? "" : " (last " + (order.size() - from) + " of "
                + order.size() + ")").append(", with what each operation wrote:\n");
            for (int i = from; i < order.size(); i++) {
                text.append("    ").append(order.get(i).call).append(effects.get(i)).append('\n');
                involved.add(order.get(i).call);
            }
        }
        return new Violation(keys, text.toString(), new ArrayList<>(involved));
    }

    /** @return what the blocked call needed to find, e.g. {@code x = 3} or {@code x != 3}. */
    private static String requirement(Call call) {
        final Operation op = call.operation();
        if (Operation.Kind.GET == op.kind()) {
            return op.key() + " = " + call.outcome().value();
        }
        return op.key() + (call.outcome().applied() ? " = " : " != ") + op.expected();
    }

    /** Replays a call placed in the order on {@code state} and says what it wrote, if anything. */
    private static String apply(Call call, Map<String, String> state) {
        final Operation op = call.operation();
        switch (op.kind()) {
            case GET:
                return "";
            case CAS:
                if (!Objects.equals(state.get(op.key()), op.expected())) {
                    return "   (wrote nothing)";
                }
                return "   -> " + write(state, op.key(), op.value());
            case BATCH:
                final StringBuilder effect = new StringBuilder("   -> ");
                for (int i = 0; i < op.writes().size(); i++) {
                    final Operation write = op.writes().get(i);
                    effect.append(0 == i ? "" : ", ").append(write(state, write.key(), write.value()));
                }
                return effect.toString();
            default:
                return "   -> " + write(state, op.key(), op.value());
        }
    }

    private static String write(Map<String, String> state, String key, String value) {
        if (null == value) {
            state.remove(key);
        } else {
            state.put(key, value);
        }
        return key + " = " + value;
    }
}
