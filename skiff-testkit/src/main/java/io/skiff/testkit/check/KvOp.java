package io.skiff.testkit.check;

/**
 * A call prepared for the search: keys and values interned to ints (value 0 is "absent"), times replaced by
 * ranks in the history's real-time order, and the outcome reduced to what constrains a linearization.
 *
 * <p>Ranks of recorded events are odd ({@code 2 * position + 1}), so a synthetic return placed just before a
 * recorded one (see {@link HistoryReduction}) gets the even rank between them.
 */
final class KvOp {
    /** Reads one key; {@code values[0]} is what it returned. */
    static final byte GET = 0;
    /** Writes {@code values[i]} to {@code keys[i]} unconditionally: put, del or batch. */
    static final byte WRITE = 1;
    /** Compare-and-set of {@code keys[0]} from {@code values[0]} to {@code values[1]}. */
    static final byte CAS = 2;

    static final byte CAS_APPLIED = 1;
    static final byte CAS_REFUSED = 2;
    /** A cas whose result is unknown: it writes if the value matches, and constrains nothing. */
    static final byte CAS_MAYBE = 3;

    static final long NO_RETURN = Long.MAX_VALUE;
    /**
     * Return rank after every recorded event: an operation that must take effect but may do so at any time. Ranks
     * stay below 2^31 so that the search can pack a rank and an event into one long.
     */
    static final long REQUIRED_RETURN = Integer.MAX_VALUE;
    /** The value every value that nothing reads is renamed to, see {@link HistoryReduction}. */
    static final int UNREAD = -1;

    /** Index among the checked operations of the history; projections of one operation share it. */
    final int id;
    final Call call;
    final byte kind;
    final byte casResult;
    final int[] keys;
    final int[] values;
    final long callRank;
    /** Rank of the return, {@link #NO_RETURN} for an operation that may take effect at any later time or never. */
    final long returnRank;

    KvOp(int id, Call call, byte kind, byte casResult, int[] keys, int[] values, long callRank, long returnRank) {
        this.id = id;
        this.call = call;
        this.kind = kind;
        this.casResult = casResult;
        this.keys = keys;
        this.values = values;
        this.callRank = callRank;
        this.returnRank = returnRank;
    }

    /** @return whether every linearization must contain this operation (it has a return). */
    boolean mustTakeEffect() {
        return NO_RETURN != returnRank;
    }

    /** @return whether this operation can change the value of a key. */
    boolean writes() {
        return WRITE == kind || (CAS == kind && CAS_REFUSED != casResult);
    }

    KvOp withReturnRank(long rank) {
        return new KvOp(id, call, kind, casResult, keys, values, callRank, rank);
    }

    KvOp withValues(int[] newValues) {
        return new KvOp(id, call, kind, casResult, keys, newValues, callRank, returnRank);
    }

    /** @return this operation restricted to one of its keys (a batch's write of that key). */
    KvOp projectedOn(int key) {
        if (1 == keys.length) {
            return this;
        }
        int value = 0;
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] == key) {
                value = values[i];
            }
        }
        return new KvOp(id, call, kind, casResult, new int[] {key}, new int[] {value}, callRank, returnRank);
    }
}
