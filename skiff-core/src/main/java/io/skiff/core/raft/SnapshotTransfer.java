package io.skiff.core.raft;

import io.skiff.core.codec.SnapshotChunk;
import io.skiff.spi.SnapshotStore;

/**
 * How the core reaches snapshots, which the runtime keeps in storage next to the state machine: a leader reads
 * the latest one to stream to a follower whose entries it has compacted away, and a follower stores the chunks it
 * receives and installs the snapshot when the last one arrives (thesis §5.3).
 */
public interface SnapshotTransfer {
    /** {@link #accept} result: the last chunk arrived and the snapshot is installed. */
    long INSTALLED = -1;

    /**
     * Opens the latest snapshot for streaming to a follower.
     *
     * @return a reader the caller closes, or {@code null} when there is no snapshot.
     */
    SnapshotStore.Reader openLatest();

    /**
     * Stores one received chunk. A chunk of another snapshot than the one being received, or not at the offset
     * expected, stores nothing: the answer tells the leader where to resume (0 to restart).
     *
     * @return the next record offset expected, or {@link #INSTALLED} once the last chunk was stored and the snapshot
     * replaced the state machine and the log up to its index.
     */
    long accept(SnapshotChunk chunk);

    /**
     * Discards the snapshot being received, if any: the log turned out to hold its last entry already, so it is not
     * installed (installing it would drop entries after it that this node may have acknowledged).
     */
    void abandon();
}
