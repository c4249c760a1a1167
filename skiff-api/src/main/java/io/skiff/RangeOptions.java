package io.skiff;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Bounds and shape of an ordered range read, as levelup's iterator options: {@code gt}/{@code gte} and
 * {@code lt}/{@code lte} bound the keys (compared as unsigned bytes), {@code reverse} walks from the high end,
 * {@code limit} caps the count, and {@code keys(false)}/{@code values(false)} drop one half of each entry.
 *
 * <p>Immutable; every method returns a new instance. {@link #all()} is the whole store in key order.
 */
public final class RangeOptions {
    private static final RangeOptions ALL = new RangeOptions(null, false, null, false, false, -1, true, true,
        ReadConsistency.LINEARIZABLE);

    private final byte[] lower;
    private final boolean lowerInclusive;
    private final byte[] upper;
    private final boolean upperInclusive;
    private final boolean reverse;
    private final int limit;
    private final boolean keys;
    private final boolean values;
    private final ReadConsistency consistency;

    private RangeOptions(byte[] lower, boolean lowerInclusive, byte[] upper, boolean upperInclusive, boolean reverse,
        int limit, boolean keys, boolean values, ReadConsistency consistency) {
        this.lower = lower;
        this.lowerInclusive = lowerInclusive;
        this.upper = upper;
        this.upperInclusive = upperInclusive;
        this.reverse = reverse;
        this.limit = limit;
        this.keys = keys;
        this.values = values;
        this.consistency = consistency;
    }

    /** @return options that select every entry, in ascending key order, linearizably. */
    public static RangeOptions all() {
        return ALL;
    }

    public RangeOptions gt(byte[] key) {
        return new RangeOptions(key.clone(), false, upper, upperInclusive, reverse, limit, keys, values, consistency);
    }

    public RangeOptions gte(byte[] key) {
        return new RangeOptions(key.clone(), true, upper, upperInclusive, reverse, limit, keys, values, consistency);
    }

    public RangeOptions lt(byte[] key) {
        return new RangeOptions(lower, lowerInclusive, key.clone(), false, reverse, limit, keys, values, consistency);
    }

    public RangeOptions lte(byte[] key) {
        return new RangeOptions(lower, lowerInclusive, key.clone(), true, reverse, limit, keys, values, consistency);
    }

    public RangeOptions gt(String key) {
        return gt(key.getBytes(StandardCharsets.UTF_8));
    }

    public RangeOptions gte(String key) {
        return gte(key.getBytes(StandardCharsets.UTF_8));
    }

    public RangeOptions lt(String key) {
        return lt(key.getBytes(StandardCharsets.UTF_8));
    }

    public RangeOptions lte(String key) {
        return lte(key.getBytes(StandardCharsets.UTF_8));
    }

    public RangeOptions reverse(boolean descending) {
        return new RangeOptions(lower, lowerInclusive, upper, upperInclusive, descending, limit, keys, values,
            consistency);
    }

    /**
     * Caps the number of entries returned.
     *
     * @param max the cap; -1 for no cap.
     * @return new options.
     */
    public RangeOptions limit(int max) {
        if (max < -1) {
            throw new IllegalArgumentException("limit must be -1 (no limit) or at least 0, got " + max);
        }
        return new RangeOptions(lower, lowerInclusive, upper, upperInclusive, reverse, max, keys, values, consistency);
    }

    public RangeOptions keys(boolean include) {
        return new RangeOptions(lower, lowerInclusive, upper, upperInclusive, reverse, limit, include, values,
            consistency);
    }

    public RangeOptions values(boolean include) {
        return new RangeOptions(lower, lowerInclusive, upper, upperInclusive, reverse, limit, keys, include,
            consistency);
    }

    public RangeOptions consistency(ReadConsistency readConsistency) {
        return new RangeOptions(lower, lowerInclusive, upper, upperInclusive, reverse, limit, keys, values,
            java.util.Objects.requireNonNull(readConsistency, "consistency"));
    }

    /** @return the lower bound, or {@code null} when unbounded. */
    public byte[] lower() {
        return null == lower ? null : lower.clone();
    }

    public boolean lowerInclusive() {
        return lowerInclusive;
    }

    /** @return the upper bound, or {@code null} when unbounded. */
    public byte[] upper() {
        return null == upper ? null : upper.clone();
    }

    public boolean upperInclusive() {
        return upperInclusive;
    }

    public boolean reverse() {
        return reverse;
    }

    /** @return the cap on entries, or -1 for none. */
    public int limit() {
        return limit;
    }

    public boolean keys() {
        return keys;
    }

    public boolean values() {
        return values;
    }

    public ReadConsistency consistency() {
        return consistency;
    }

    /**
     * Whether a key lies within the bounds.
     *
     * @param key the key.
     * @return {@code true} when neither bound excludes it.
     */
    public boolean contains(byte[] key) {
        if (null != lower) {
            final int c = Arrays.compareUnsigned(key, lower);
            if (c < 0 || (c == 0 && !lowerInclusive)) {
                return false;
            }
        }
        if (null != upper) {
            final int c = Arrays.compareUnsigned(key, upper);
            return c < 0 || (c == 0 && upperInclusive);
        }
        return true;
    }

    @Override
    public String toString() {
        return "RangeOptions{"
            + (null == lower ? "" : (lowerInclusive ? "gte=" : "gt=") + Arrays.toString(lower) + ", ")
            + (null == upper ? "" : (upperInclusive ? "lte=" : "lt=") + Arrays.toString(upper) + ", ")
            + "reverse=" + reverse + ", limit=" + limit + ", keys=" + keys + ", values=" + values + ", consistency="
            + consistency + "}";
    }
}
