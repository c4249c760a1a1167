package io.skiff.core.kv;

import io.skiff.RangeOptions;

import java.util.Arrays;

/**
 * The parameters of one RANGE query, as they travel in {@link KvCodec}: bounds, order, limit and which halves of an
 * entry to return. {@link RangeOptions} without its read consistency, which concerns the node and not the state
 * machine.
 *
 * @param lower          the lower bound, or {@code null} when unbounded; may be empty.
 * @param lowerInclusive whether a key equal to {@code lower} is in range; {@code false} when {@code lower} is null.
 * @param upper          the upper bound, or {@code null} when unbounded; may be empty.
 * @param upperInclusive whether a key equal to {@code upper} is in range; {@code false} when {@code upper} is null.
 * @param reverse        whether entries come in descending key order.
 * @param limit          the most entries to return, or -1 for no cap.
 * @param keys           whether entries carry their key.
 * @param values         whether entries carry their value.
 */
record KvRange(byte[] lower, boolean lowerInclusive, byte[] upper, boolean upperInclusive, boolean reverse,
    int limit, boolean keys, boolean values) {

    KvRange {
        if (limit < -1) {
            throw new IllegalArgumentException("limit must be -1 (no limit) or at least 0, got " + limit);
        }
        if (null == lower && lowerInclusive || null == upper && upperInclusive) {
            throw new IllegalArgumentException("an absent bound cannot be inclusive");
        }
    }

    /**
     * @param options range options of the API.
     * @return the same range.
     */
    static KvRange from(RangeOptions options) {
        final byte[] lower = options.lower();
        final byte[] upper = options.upper();
        return new KvRange(lower, null != lower && options.lowerInclusive(), upper,
            null != upper && options.upperInclusive(), options.reverse(), options.limit(), options.keys(),
            options.values());
    }

    /**
     * @param max the new limit, -1 for none.
     * @return this range with another limit.
     */
    KvRange withLimit(int max) {
        return new KvRange(lower, lowerInclusive, upper, upperInclusive, reverse, max, keys, values);
    }

    /**
     * Narrows the lower bound to a key, keeping whichever bound excludes more.
     *
     * @param key       the new bound.
     * @param inclusive whether {@code key} itself is in range.
     * @param max       the new limit.
     * @return a range with the tighter lower bound.
     */
    KvRange withLowerAtLeast(byte[] key, boolean inclusive, int max) {
        if (tighter(key, inclusive, lower, lowerInclusive, 1)) {
            return new KvRange(key, inclusive, upper, upperInclusive, reverse, max, keys, values);
        }
        return new KvRange(lower, lowerInclusive, upper, upperInclusive, reverse, max, keys, values);
    }

    /**
     * Narrows the upper bound to a key, keeping whichever bound excludes more.
     *
     * @param key       the new bound.
     * @param inclusive whether {@code key} itself is in range.
     * @param max       the new limit.
     * @return a range with the tighter upper bound.
     */
    KvRange withUpperAtMost(byte[] key, boolean inclusive, int max) {
        if (tighter(key, inclusive, upper, upperInclusive, -1)) {
            return new KvRange(lower, lowerInclusive, key, inclusive, reverse, max, keys, values);
        }
        return new KvRange(lower, lowerInclusive, upper, upperInclusive, reverse, max, keys, values);
    }

    // direction 1 compares lower bounds (greater is tighter), -1 upper bounds (smaller is tighter); at equal keys an
    // exclusive bound is the tighter one.
    private static boolean tighter(byte[] candidate, boolean candidateInclusive, byte[] current,
        boolean currentInclusive, int direction) {
        if (null == current) {
            return true;
        }
        final int c = Arrays.compareUnsigned(candidate, current) * direction;
        return c > 0 || c == 0 && currentInclusive && !candidateInclusive;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KvRange && Arrays.equals(lower, ((KvRange)o).lower)
            && lowerInclusive == ((KvRange)o).lowerInclusive && Arrays.equals(upper, ((KvRange)o).upper)
            && upperInclusive == ((KvRange)o).upperInclusive && reverse == ((KvRange)o).reverse
            && limit == ((KvRange)o).limit && keys == ((KvRange)o).keys && values == ((KvRange)o).values;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(lower) * 31 + Arrays.hashCode(upper);
    }

    @Override
    public String toString() {
        return "KvRange{" + (null == lower ? "" : (lowerInclusive ? "gte=" : "gt=") + Arrays.toString(lower) + ", ")
            + (null == upper ? "" : (upperInclusive ? "lte=" : "lt=") + Arrays.toString(upper) + ", ")
            + "reverse=" + reverse + ", limit=" + limit + ", keys=" + keys + ", values=" + values + "}";
    }
}
