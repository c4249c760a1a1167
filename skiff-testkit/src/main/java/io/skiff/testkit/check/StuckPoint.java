package io.skiff.testkit.check;

import java.util.List;

/**
 * Where a failed search got furthest: the order it had built, the operation that had to come next and could not,
 * and the other operations that could have come next. Raw material for an {@link Explanation}.
 */
final class StuckPoint {
    final List<KvOp> order;
    final KvOp blocked;
    final List<KvOp> candidates;
    final int mustTakeEffect;

    StuckPoint(List<KvOp> order, KvOp blocked, List<KvOp> candidates, int mustTakeEffect) {
        this.order = order;
        this.blocked = blocked;
        this.candidates = candidates;
        this.mustTakeEffect = mustTakeEffect;
    }
}
