package io.skiff.spi;

import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * Snapshots of the state machine: a sequence of opaque records plus {@link SnapshotMeta}. A new snapshot is written
 * to a staging area and becomes the latest, atomically and durably, on {@link Writer#commit()}; only the latest is
 * kept.
 */
public interface SnapshotStore {
    /** @return the latest committed snapshot's metadata, if any. */
    Optional<SnapshotMeta> latest();

    /**
     * Starts a snapshot in a staging area; any earlier unfinished one is discarded.
     *
     * @param meta what the snapshot will cover.
     * @return the writer.
     */
    Writer create(SnapshotMeta meta);

    /**
     * Opens the latest snapshot for reading.
     *
     * @return the reader, or empty when there is no snapshot.
     */
    Optional<Reader> open();

    /** Writes one staged snapshot. */
    interface Writer extends AutoCloseable {
        /** @return the snapshot being written. */
        SnapshotMeta meta();

        /**
         * Appends one record.
         *
         * @param record the record between position and limit; copied.
         */
        void append(ByteBuffer record);

        /** @return records appended so far. */
        long records();

        /** Makes the snapshot durable and the latest, and removes the previous one. */
        void commit();

        /** Discards the staged snapshot. */
        void abort();

        /** Aborts unless committed. */
        @Override
        void close();
    }

    /** Reads the records of one snapshot, by position, without loading it whole. */
    interface Reader extends AutoCloseable {
        /** @return the snapshot read. */
        SnapshotMeta meta();

        /**
         * Reads records in order.
         *
         * @param fromRecord first record, counted from 0.
         * @param maxRecords the most records to read.
         * @param maxBytes   stop before the record that would exceed this total; the first is always read.
         * @param handler    receives each record.
         * @return the number of records read; 0 at the end.
         */
        int read(long fromRecord, int maxRecords, int maxBytes, RecordHandler handler);

        @Override
        void close();
    }

    /** Receives snapshot records. */
    @FunctionalInterface
    interface RecordHandler {
        /**
         * @param record the record between position and limit, valid only during the call.
         */
        void onRecord(ByteBuffer record);
    }
}
