package io.skiff.core.runtime;

import io.skiff.core.codec.SnapshotChunk;
import io.skiff.core.raft.SnapshotTransfer;
import io.skiff.spi.LogStore;
import io.skiff.spi.SnapshotMeta;
import io.skiff.spi.SnapshotStore;

/**
 * Stores the InstallSnapshot chunks a follower receives into its snapshot store, in order, until the last one
 * commits the snapshot (thesis §5.3); the caller then installs it and {@link #alignLog aligns the log}.
 */
public final class SnapshotReceiver implements AutoCloseable {
    private final SnapshotStore store;
    private final ByteBufferView recordView = new ByteBufferView();
    private SnapshotStore.Writer staging;

    public SnapshotReceiver(SnapshotStore store) {
        this.store = store;
    }

    /**
     * Stores one chunk. A chunk of another snapshot than the one being received, or not at the offset expected,
     * stores nothing.
     *
     * @return the next record offset expected (0 to restart), or {@link SnapshotTransfer#INSTALLED} once the last
     * chunk was stored and the snapshot committed as the latest.
     */
    public long receive(SnapshotChunk chunk) {
        if (null == staging || staging.meta().index() != chunk.snapshotIndex()
            || staging.meta().term() != chunk.snapshotTerm()) {
            if (chunk.recordOffset() != 0) {
                return 0;
            }
            abandon();
            final byte[] configuration = new byte[chunk.configLength()];
            chunk.buffer().getBytes(chunk.configOffset(), configuration);
            staging = store.create(new SnapshotMeta(chunk.snapshotIndex(), chunk.snapshotTerm(), configuration, -1));
        }
        if (chunk.recordOffset() != staging.records()) {
            return staging.records();
        }
        for (chunk.rewind(); chunk.hasRecord(); chunk.next()) {
            staging.append(recordView.wrap(chunk.buffer(), chunk.recordOffsetInBuffer(), chunk.recordLength()));
        }
        if (!chunk.last()) {
            return staging.records();
        }
        staging.commit();
        staging.close();
        staging = null;
        return SnapshotTransfer.INSTALLED;
    }

    /** Discards the snapshot being received, if any. */
    public void abandon() {
        if (null != staging) {
            staging.close();
            staging = null;
        }
    }

    @Override
    public void close() {
        abandon();
    }

    /**
     * Makes the log start right after a snapshot: entries it covers are compacted away; entries after it are kept
     * only if the log holds the snapshot's last entry with the same term (§5.3), else the whole log goes.
     */
    public static void alignLog(LogStore log, long index, long term) {
        if (log.firstIndex() - 1 >= index) {
            return;
        }
        final boolean keepsSuffix = log.lastIndex() >= index && log.term(index) == term;
        if (!keepsSuffix && log.lastIndex() >= log.firstIndex()) {
            log.truncateAfter(log.firstIndex() - 1);
        }
        log.compactUpTo(index, term);
        log.sync();
    }
}
