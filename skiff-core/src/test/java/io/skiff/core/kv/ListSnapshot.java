package io.skiff.core.kv;

import io.skiff.spi.SnapshotMeta;
import io.skiff.spi.SnapshotStore;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * A snapshot held as a list of records, for tests. Its reader serves at most a few records per call, and hands each
 * one over as a read-only little-endian slice between junk bytes, so a state machine that assumes one read, a
 * buffer starting at 0 or the buffer's byte order fails.
 */
final class ListSnapshot {
    final List<byte[]> records = new ArrayList<>();
    private SnapshotMeta meta;
    private int reads;

    /**
     * @param snapshotMeta what the snapshot covers.
     * @return a writer appending to this snapshot's records.
     */
    SnapshotStore.Writer writer(SnapshotMeta snapshotMeta) {
        meta = snapshotMeta;
        return new Writer();
    }

    /**
     * @param recordsPerRead the most records one read returns, whatever the caller asks for.
     * @return a reader of the committed snapshot.
     */
    SnapshotStore.Reader reader(int recordsPerRead) {
        return new Reader(recordsPerRead);
    }

    /**
     * Sets the metadata directly, for snapshots assembled record by record in a test.
     *
     * @param snapshotMeta the metadata a reader reports.
     */
    void meta(SnapshotMeta snapshotMeta) {
        meta = snapshotMeta;
    }

    /** @return how many read calls returned at least one record. */
    int reads() {
        return reads;
    }

    private final class Writer implements SnapshotStore.Writer {
        @Override
        public SnapshotMeta meta() {
            return meta;
        }

        @Override
        public void append(ByteBuffer record) {
            final byte[] copy = new byte[record.remaining()];
            record.duplicate().get(copy);
            records.add(copy);
        }

        @Override
        public long records() {
            return records.size();
        }

        @Override
        public void commit() {
            meta = meta.withRecords(records.size());
        }

        @Override
        public void abort() {
            records.clear();
        }

        @Override
        public void close() {
        }
    }

    private final class Reader implements SnapshotStore.Reader {
        private final int recordsPerRead;

        private Reader(int recordsPerRead) {
            this.recordsPerRead = recordsPerRead;
        }

        @Override
        public SnapshotMeta meta() {
            return meta;
        }

        @Override
        public int read(long fromRecord, int maxRecords, int maxBytes, SnapshotStore.RecordHandler handler) {
            int count = 0;
            long bytes = 0;
            for (long i = fromRecord; i < records.size() && count < Math.min(maxRecords, recordsPerRead); i++) {
                final byte[] record = records.get((int)i);
                if (count > 0 && bytes + record.length > maxBytes) {
                    break;
                }
                final ByteBuffer framed = ByteBuffer.allocate(record.length + 6);
                framed.put(new byte[] {1, 2, 3}).put(record).put(new byte[] {4, 5, 6});
                final ByteBuffer view = framed.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
                view.position(3).limit(3 + record.length);
                handler.onRecord(view);
                count++;
                bytes += record.length;
            }
            if (count > 0) {
                reads++;
            }
            return count;
        }

        @Override
        public void close() {
        }
    }
}
