package io.skiff.testkit.sim;

import io.skiff.StorageException;
import io.skiff.spi.PersistentState;
import io.skiff.spi.Storage;
import io.skiff.testkit.internal.FaultInjectingStorage;

import java.nio.ByteBuffer;

/**
 * A node's simulated disk: the in-memory storage, observed by the invariant checker and subject to the node's
 * {@link DiskFaults}. It remembers the last index made durable, which is what survives a crash.
 */
final class SimStorage extends FaultInjectingStorage {
    private final SimNode node;
    private long syncedIndex;
    private long firstUnsyncedTerm = -1;
    private byte[] firstUnsynced;

    SimStorage(SimNode node, Storage inner) {
        super(inner);
        this.node = node;
        this.syncedIndex = inner.log().lastIndex();
    }

    /** The first entry appended since the last sync, kept to leave it torn on a crash. */
    byte[] firstUnsyncedEntry() {
        return firstUnsynced;
    }

    long firstUnsyncedTerm() {
        return firstUnsyncedTerm;
    }

    long syncedIndex() {
        return syncedIndex;
    }

    @Override
    protected void beforeWrite() {
        if (node.disk().failWrites()) {
            throw new StorageException("simulated disk of " + node.address() + " failed a write");
        }
    }

    @Override
    protected void stall() {
        node.spend(node.disk().syncLatencyNs());
    }

    @Override
    protected void beforeLogSync() {
        if (node.random().nextDouble() < node.disk().crashOnSyncProbability()) {
            throw new SimulatedCrash("power lost during a sync on " + node.address());
        }
    }

    @Override
    protected void appended(long index, long term, ByteBuffer entry) {
        if (null == firstUnsynced) {
            firstUnsynced = new byte[entry.remaining()];
            entry.duplicate().get(firstUnsynced);
            firstUnsyncedTerm = term;
        }
        node.observer().onAppend(node, index, term, entry);
    }

    @Override
    protected void truncated(long index) {
        node.observer().onTruncate(node, index);
    }

    @Override
    protected void compacted(long index) {
        node.observer().onCompact(node, index);
    }

    @Override
    protected void logSynced() {
        syncedIndex = log().lastIndex();
        firstUnsynced = null;
        firstUnsyncedTerm = -1;
    }

    @Override
    protected PersistentState loaded(PersistentState stored) {
        if (node.disk().forgetVote() && null != stored.votedFor()) {
            return new PersistentState(stored.clusterId(), stored.term(), null, stored.members());
        }
        return stored;
    }

    @Override
    protected void saved(PersistentState saved) {
        node.observer().onVote(node, saved.term(), saved.votedFor());
    }

    /** Entries a committed snapshot covers may leave the log. */
    @Override
    protected void snapshotCommitted(long index) {
        node.observer().onSnapshot(node, index);
    }
}
