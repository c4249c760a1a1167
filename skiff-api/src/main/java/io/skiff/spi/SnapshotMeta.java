package io.skiff.spi;

import java.util.Objects;

/**
 * What a snapshot covers.
 *
 * @param index         the last log index whose effect the snapshot holds.
 * @param term          that entry's term.
 * @param configuration the cluster configuration at {@code index}, encoded by the node (opaque to stores).
 * @param records       the number of records, or -1 while it is being written.
 */
public record SnapshotMeta(long index, long term, byte[] configuration, long records) {
    public SnapshotMeta {
        if (index < 0 || term < 0) {
            throw new IllegalArgumentException("index and term must not be negative, got " + index + ", " + term);
        }
        configuration = Objects.requireNonNull(configuration, "configuration").clone();
    }

    @Override
    public byte[] configuration() {
        return configuration.clone();
    }

    /**
     * @param count the final record count.
     * @return the same metadata with the record count set.
     */
    public SnapshotMeta withRecords(long count) {
        return new SnapshotMeta(index, term, configuration, count);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SnapshotMeta && index == ((SnapshotMeta)o).index && term == ((SnapshotMeta)o).term
            && records == ((SnapshotMeta)o).records
            && java.util.Arrays.equals(configuration, ((SnapshotMeta)o).configuration);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(index) * 31 + Long.hashCode(term);
    }

    @Override
    public String toString() {
        return "SnapshotMeta{index=" + index + ", term=" + term + ", records=" + records + "}";
    }
}
