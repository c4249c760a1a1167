package io.skiff.testkit.check;

/**
 * The sequential specification the checker holds histories to: a map from keys to values, where each operation
 * either fits the state (and gives the next one) or does not.
 */
final class KvModel {
    private KvModel() {
    }

    /**
     * @param op        the operation to apply.
     * @param localKeys its keys as indices into {@code state}.
     * @param state     the state before it.
     * @return the state after it, or {@code null} if its recorded result is impossible in {@code state}.
     */
    static ValueVector step(KvOp op, int[] localKeys, ValueVector state) {
        switch (op.kind) {
            case KvOp.GET:
                return state.get(localKeys[0]) == op.values[0] ? state : null;
            case KvOp.WRITE:
                ValueVector after = state;
                for (int i = 0; i < localKeys.length; i++) {
                    after = after.with(localKeys[i], op.values[i]);
                }
                return after;
            default:
                final boolean matches = state.get(localKeys[0]) == op.values[0];
                switch (op.casResult) {
                    case KvOp.CAS_APPLIED:
                        return matches ? state.with(localKeys[0], op.values[1]) : null;
                    case KvOp.CAS_REFUSED:
                        return matches ? null : state;
                    default:
                        return matches ? state.with(localKeys[0], op.values[1]) : state;
                }
        }
    }
}
