package io.skiff.benchmarks.load;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LatencyHistogramTest {
    @Test
    void percentilesAreWithinTheBucketPrecision() {
        final LatencyHistogram histogram = new LatencyHistogram();
        for (long value = 1; value <= 1_000_000; value++) {
            histogram.record(value * 1_000);
        }
        assertThat((double)histogram.percentileNs(0.50)).isCloseTo(500_000_000, within(0.016 * 500_000_000));
        assertThat((double)histogram.percentileNs(0.99)).isCloseTo(990_000_000, within(0.016 * 990_000_000));
        assertThat(histogram.count()).isEqualTo(1_000_000);
        assertThat(histogram.maxNs()).isEqualTo(1_000_000_000L);
        assertThat(histogram.meanNs()).isCloseTo(500_000_500, within(1.0));
    }

    @Test
    void smallValuesAreExact() {
        final LatencyHistogram histogram = new LatencyHistogram();
        histogram.record(3);
        histogram.record(127);
        assertThat(histogram.percentileNs(0.5)).isEqualTo(3);
        assertThat(histogram.percentileNs(1.0)).isEqualTo(127);
    }

    @Test
    void bucketsAreContiguousAndOrdered() {
        int previous = -1;
        for (long value = 0; value < 1 << 20; value++) {
            final int bucket = LatencyHistogram.bucket(value);
            assertThat(bucket).isBetween(previous, previous + 1);
            previous = bucket;
        }
        assertThat(LatencyHistogram.bucket(Long.MAX_VALUE)).isLessThan(new LatencyHistogram().counts().length);
    }

    @Test
    void intervalPercentilesComeFromTheDifferenceOfSnapshots() {
        final LatencyHistogram histogram = new LatencyHistogram();
        histogram.record(1_000_000);
        final long[] before = histogram.counts();
        histogram.record(10);
        histogram.record(20);
        final long[] interval = LatencyHistogram.difference(histogram.counts(), before);
        assertThat(LatencyHistogram.total(interval)).isEqualTo(2);
        assertThat(LatencyHistogram.percentile(interval, 1.0)).isEqualTo(20);
        assertThat(LatencyHistogram.percentile(new long[interval.length], 0.5)).isZero();
    }
}
