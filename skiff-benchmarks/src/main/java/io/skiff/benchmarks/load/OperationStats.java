package io.skiff.benchmarks.load;

import java.util.Locale;

/**
 * Throughput and latency of one kind of request over the measured period.
 *
 * @param count     requests completed successfully.
 * @param perSecond completed per second.
 * @param meanUs    mean latency in microseconds.
 * @param p50Us     median latency.
 * @param p90Us     90th percentile.
 * @param p99Us     99th percentile.
 * @param p999Us    99.9th percentile.
 * @param maxUs     the largest latency.
 */
public record OperationStats(long count, double perSecond, double meanUs, double p50Us, double p90Us, double p99Us,
    double p999Us, double maxUs) {

    /** @return the statistics of everything {@code histogram} recorded over {@code seconds}. */
    static OperationStats of(LatencyHistogram histogram, double seconds) {
        final long[] counts = histogram.counts();
        final long count = LatencyHistogram.total(counts);
        return new OperationStats(count, count / seconds, histogram.meanNs() / 1e3,
            LatencyHistogram.percentile(counts, 0.50) / 1e3, LatencyHistogram.percentile(counts, 0.90) / 1e3,
            LatencyHistogram.percentile(counts, 0.99) / 1e3, LatencyHistogram.percentile(counts, 0.999) / 1e3,
            histogram.maxNs() / 1e3);
    }

    String toJson() {
        return String.format(Locale.ROOT, "{\"count\": %d, \"perSecond\": %.1f, \"meanUs\": %.1f, "
            + "\"p50Us\": %.1f, \"p90Us\": %.1f, \"p99Us\": %.1f, \"p999Us\": %.1f, \"maxUs\": %.1f}", count, perSecond,
            meanUs, p50Us, p90Us, p99Us, p999Us, maxUs);
    }
}
