package io.skiff.testkit.check;

import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.LongHashSet;

import java.util.ArrayList;
import java.util.List;

/**
 * Rewrites the operations of a partition into an equivalent, cheaper problem: the rewritten history is
 * linearizable exactly when the original is. Three rules.
 *
 * <ol>
 *   <li><b>Pinned unknown writes.</b> An unknown write (put, del, batch or cas with an unknown outcome) may take
 *       effect at any point after its invocation, or never. If it is the only operation that can produce a
 *       (non-absent) value of a key, and a completed get or applied cas observed that value, it took effect
 *       before the earliest of those observers returned. It becomes an operation that must take effect,
 *       returning just before that observer returns: a return there orders it before exactly the operations that
 *       follow the observer, which must come after it anyway.</li>
 *   <li><b>Invisible unknown writes.</b> An unknown write is removed if, for every key it writes, no operation
 *       observes the value it writes there (a completed get, an applied cas, or an unknown cas expecting it) and
 *       no refused cas that could be refused wrongly (its expected value is absent or written by someone) returns
 *       after the write's invocation. Take a linearization that contains the write: until the key's next write,
 *       only operations that accept the written value follow it, which are writes, such refused cases — there are
 *       none after it — and unknown cases expecting another value, which did nothing and can move to the end.
 *       Dropping the write keeps the rest valid; conversely the write can be appended to a linearization of the
 *       rest.</li>
 *   <li><b>Unread values.</b> A value of a key that no get returned and no cas expects is only ever compared with
 *       other values and found different. Every such value becomes one {@link KvOp#UNREAD} value: each
 *       comparison gives the same answer, so validity is unchanged, while states that differ only in which unread
 *       value a key holds become one, and unknown writes of unread values become interchangeable (the search
 *       tries only one of them, see {@link Search}).</li>
 * </ol>
 *
 * With unique written values — the advice in {@link Operation} — almost every unknown write is pinned, invisible
 * or interchangeable, which keeps histories with a few percent unknown outcomes fast to check.
 */
final class HistoryReduction {
    private static final long MISSING = Long.MIN_VALUE;

    private final Long2LongHashMap producers = new Long2LongHashMap(0);
    private final Long2LongHashMap observers = new Long2LongHashMap(0);
    private final Long2LongHashMap earliestObserverReturn = new Long2LongHashMap(MISSING);
    private final Long2LongHashMap latestRefusalReturn = new Long2LongHashMap(MISSING);
    private final LongHashSet mentioned = new LongHashSet();

    private HistoryReduction() {
    }

    /**
     * @param ops operations of one partition or projection; not modified.
     * @return the operations to search.
     */
    static List<KvOp> reduce(List<KvOp> ops) {
        return new HistoryReduction().rewrite(ops);
    }

    private List<KvOp> rewrite(List<KvOp> ops) {
        for (final KvOp op : ops) {
            survey(op);
        }
        for (final KvOp op : ops) {
            if (KvOp.CAS == op.kind && KvOp.CAS_REFUSED == op.casResult
                && (0 == op.values[0] || producers.get(pair(op.keys[0], op.values[0])) > 0)) {
                final long latest = latestRefusalReturn.get(op.keys[0]);
                latestRefusalReturn.put(op.keys[0], Math.max(latest, op.returnRank));
            }
        }
        final List<KvOp> reduced = new ArrayList<>(ops.size());
        for (final KvOp op : ops) {
            final KvOp kept = op.mustTakeEffect() || !op.writes() ? op : pinOrDrop(op);
            if (null != kept) {
                reduced.add(renameUnread(kept));
            }
        }
        return reduced;
    }

    private void survey(KvOp op) {
        switch (op.kind) {
            case KvOp.GET:
                observe(op, op.keys[0], op.values[0]);
                break;
            case KvOp.WRITE:
                for (int i = 0; i < op.keys.length; i++) {
                    increment(producers, pair(op.keys[i], op.values[i]));
                }
                break;
            default:
                final long expected = pair(op.keys[0], op.values[0]);
                mentioned.add(expected);
                if (KvOp.CAS_REFUSED != op.casResult) {
                    increment(producers, pair(op.keys[0], op.values[1]));
                    if (KvOp.CAS_APPLIED == op.casResult) {
                        observe(op, op.keys[0], op.values[0]);
                    } else {
                        increment(observers, expected);
                    }
                }
                break;
        }
    }

    /** @return the unknown write pinned, itself if it must stay unknown, or {@code null} if it is invisible. */
    private KvOp pinOrDrop(KvOp op) {
        final int[] keys = op.keys;
        final int[] written = KvOp.CAS == op.kind ? new int[] {op.values[1]} : op.values;
        long pinnedReturn = KvOp.NO_RETURN;
        boolean invisible = true;
        for (int i = 0; i < keys.length; i++) {
            final long pair = pair(keys[i], written[i]);
            final long earliest = earliestObserverReturn.get(pair);
            if (0 != written[i] && 1 == producers.get(pair) && MISSING != earliest) {
                pinnedReturn = Math.min(pinnedReturn, earliest);
            }
            final boolean selfObserving = KvOp.CAS == op.kind && op.values[0] == written[i];
            final long otherObservers = observers.get(pair) - (selfObserving ? 1 : 0);
            if (0 != otherObservers || latestRefusalReturn.get(keys[i]) > op.callRank) {
                invisible = false;
            }
        }
        if (KvOp.NO_RETURN != pinnedReturn && pinnedReturn > op.callRank) {
            return op.withReturnRank(pinnedReturn - 1);
        }
        return invisible ? null : op;
    }

    private KvOp renameUnread(KvOp op) {
        if (!op.writes()) {
            return op;
        }
        final boolean cas = KvOp.CAS == op.kind;
        int[] values = op.values;
        for (int i = cas ? 1 : 0; i < values.length; i++) {
            final int key = op.keys[cas ? 0 : i];
            if (0 != values[i] && KvOp.UNREAD != values[i] && !mentioned.contains(pair(key, values[i]))) {
                values = values == op.values ? values.clone() : values;
                values[i] = KvOp.UNREAD;
            }
        }
        return values == op.values ? op : op.withValues(values);
    }

    private void observe(KvOp op, int key, int value) {
        final long pair = pair(key, value);
        mentioned.add(pair);
        increment(observers, pair);
        final long earliest = earliestObserverReturn.get(pair);
        earliestObserverReturn.put(pair, MISSING == earliest ? op.returnRank : Math.min(earliest, op.returnRank));
    }

    private static void increment(Long2LongHashMap counts, long pair) {
        counts.put(pair, counts.get(pair) + 1);
    }

    private static long pair(int key, int value) {
        return ((long)key << 32) | (value & 0xFFFF_FFFFL);
    }
}
