package io.skiff.benchmarks.load;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Latencies in nanoseconds, recorded from any thread without locks into log-linear buckets (the scheme of
 * HdrHistogram: 64 linear sub-buckets per power of two, so a percentile is within 1.6% of the true value).
 * Percentiles of an interval come from the difference of two {@link #counts()} snapshots.
 */
public final class LatencyHistogram {
    private static final int SUB_BUCKET_BITS = 6;
    private static final int SUB_BUCKETS = 1 << SUB_BUCKET_BITS;
    private static final int BUCKETS = (64 - SUB_BUCKET_BITS) * SUB_BUCKETS + 2 * SUB_BUCKETS;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);
    private final AtomicLong sumNs = new AtomicLong();
    private final AtomicLong maxNs = new AtomicLong();

    /** Records one latency; negative values count as 0. */
    public void record(long latencyNs) {
        final long value = Math.max(0, latencyNs);
        counts.incrementAndGet(bucket(value));
        sumNs.addAndGet(value);
        long max = maxNs.get();
        while (value > max && !maxNs.compareAndSet(max, value)) {
            max = maxNs.get();
        }
    }

    /** @return a copy of every bucket's count, for {@link #percentile(long[], double)} over an interval. */
    public long[] counts() {
        final long[] copy = new long[BUCKETS];
        for (int i = 0; i < BUCKETS; i++) {
            copy[i] = counts.get(i);
        }
        return copy;
    }

    public long count() {
        return total(counts());
    }

    public long maxNs() {
        return maxNs.get();
    }

    public double meanNs() {
        final long count = count();
        return count == 0 ? 0 : (double)sumNs.get() / count;
    }

    /** @return the latency at quantile {@code q} (0 to 1) of everything recorded, or 0 when nothing was. */
    public long percentileNs(double q) {
        return percentile(counts(), q);
    }

    /** @return {@code after - before}, bucket by bucket. */
    public static long[] difference(long[] after, long[] before) {
        final long[] delta = new long[after.length];
        for (int i = 0; i < after.length; i++) {
            delta[i] = after[i] - before[i];
        }
        return delta;
    }

    public static long total(long[] counts) {
        long total = 0;
        for (long count : counts) {
            total += count;
        }
        return total;
    }

    /** @return the latency at quantile {@code q} (0 to 1) of these bucket counts, or 0 when they are empty. */
    public static long percentile(long[] counts, double q) {
        final long total = total(counts);
        if (total == 0) {
            return 0;
        }
        final long rank = Math.max(1, (long)Math.ceil(q * total));
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return midpoint(i);
            }
        }
        return midpoint(counts.length - 1);
    }

    static int bucket(long value) {
        if (value < 2 * SUB_BUCKETS) {
            return (int)value;
        }
        final int magnitude = 63 - Long.numberOfLeadingZeros(value) - SUB_BUCKET_BITS;
        return magnitude * SUB_BUCKETS + (int)(value >>> magnitude);
    }

    static long midpoint(int bucket) {
        if (bucket < 2 * SUB_BUCKETS) {
            return bucket;
        }
        final int magnitude = bucket / SUB_BUCKETS - 1;
        final long subBucket = bucket - magnitude * SUB_BUCKETS;
        return (subBucket << magnitude) + ((1L << magnitude) >> 1);
    }
}
