package io.skiff.cli.demo;

import java.util.Arrays;

/**
 * Operation latencies in microseconds, recorded by any thread, with percentiles over everything recorded and over
 * what was recorded since the last {@link #takeInterval()}.
 */
final class Latencies {
    private long[] all = new long[1 << 16];
    private int count;
    private int intervalStart;

    synchronized void record(long micros) {
        if (count == all.length) {
            all = Arrays.copyOf(all, all.length * 2);
        }
        all[count++] = micros;
    }

    /** @return p50 and p99 of the latencies recorded since the previous call, or {@code null} when none were. */
    synchronized long[] takeInterval() {
        final long[] interval = Arrays.copyOfRange(all, intervalStart, count);
        intervalStart = count;
        return interval.length == 0 ? null : percentiles(interval);
    }

    /** @return p50, p99 and the maximum of every latency recorded, or {@code null} when none were. */
    synchronized long[] overall() {
        return count == 0 ? null : percentiles(Arrays.copyOf(all, count));
    }

    private static long[] percentiles(long[] values) {
        Arrays.sort(values);
        return new long[]{values[(values.length - 1) / 2], values[(int)((values.length - 1) * 0.99)],
            values[values.length - 1]};
    }

    static String millis(long micros) {
        return String.format("%.1f ms", micros / 1000.0);
    }
}
