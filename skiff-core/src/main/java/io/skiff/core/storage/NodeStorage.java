package io.skiff.core.storage;

import io.skiff.NodeAddress;
import io.skiff.StorageException;
import io.skiff.spi.PersistentState;

/**
 * Everything one node has stored with a {@link MemoryStorageProvider}; it outlives each {@link MemoryStorage}
 * opened on it, as a disk outlives a process.
 *
 * <p>The node's loop reads and writes the data while its storage is open; open, close and crash synchronize on
 * this object, which also hands the data safely to whichever thread opens or crashes it next.
 */
final class NodeStorage {
    private final NodeAddress address;
    private final LogData log = new LogData();
    private PersistentState state = PersistentState.EMPTY;
    private SnapshotData snapshot;
    private final KvData kv = new KvData();
    private MemoryStorage openStorage;

    /** The committed key-value data of {@link MemoryKvStore}, with the applied index it reflects. */
    static final class KvData {
        final java.util.TreeMap<byte[], byte[]> entries = MemoryKvStore.newMap();
        long appliedIndex;
    }

    NodeStorage(NodeAddress address) {
        this.address = address;
    }

    NodeAddress address() {
        return address;
    }

    LogData log() {
        return log;
    }

    PersistentState state() {
        return state;
    }

    void state(PersistentState saved) {
        state = saved;
    }

    /** @return the latest committed snapshot, or {@code null}. */
    SnapshotData snapshot() {
        return snapshot;
    }

    void snapshot(SnapshotData committed) {
        snapshot = committed;
    }

    KvData kv() {
        return kv;
    }

    synchronized MemoryStorage open() {
        if (null != openStorage) {
            throw new StorageException("the memory storage of " + address
                + " is already open; close it before opening it again (one node per address)");
        }
        openStorage = new MemoryStorage(this);
        return openStorage;
    }

    synchronized void closed(MemoryStorage storage) {
        if (openStorage == storage) {
            openStorage = null;
        }
    }

    /**
     * Loses what a power cut loses: log changes since the last sync and snapshots not committed (which live only in
     * their writers, unusable once the storage is closed). Saved state and committed snapshots stay.
     *
     * @throws IllegalStateException when the storage is open: close it (stop the node) first.
     */
    synchronized void crash() {
        if (null != openStorage) {
            throw new IllegalStateException("cannot crash the memory storage of " + address
                + " while it is open; close it (stop the node) first");
        }
        log.revertToSynced();
    }
}
