package io.skiff.core.storage;

import io.skiff.NodeAddress;
import io.skiff.spi.LogStore;
import io.skiff.spi.SnapshotStore;
import io.skiff.spi.StateStore;
import io.skiff.spi.Storage;

/**
 * One opening of a node's {@link NodeStorage}. After {@link #close()} every call on it or on its stores fails with
 * {@link IllegalStateException}, so a stopped node cannot write into the data of its restarted successor.
 */
final class MemoryStorage implements Storage {
    private final NodeStorage node;
    private final MemoryLogStore log;
    private final MemoryStateStore state;
    private final MemorySnapshotStore snapshots;
    private final MemoryKvStore kv;
    private boolean closed;

    MemoryStorage(NodeStorage node) {
        this.node = node;
        this.log = new MemoryLogStore(this, node.log());
        this.state = new MemoryStateStore(this, node);
        this.snapshots = new MemorySnapshotStore(this, node);
        this.kv = new MemoryKvStore(this, node.kv());
    }

    @Override
    public LogStore log() {
        checkOpen();
        return log;
    }

    @Override
    public StateStore state() {
        checkOpen();
        return state;
    }

    @Override
    public SnapshotStore snapshots() {
        checkOpen();
        return snapshots;
    }

    @Override
    public java.util.Optional<io.skiff.spi.KvStore> kvStore() {
        checkOpen();
        return java.util.Optional.of(kv);
    }

    /**
     * Closes the handle; the data stays, including log entries not synced, as after a clean process exit. Key-value
     * writes not committed are undone, as an uncommitted transaction.
     */
    @Override
    public void close() {
        if (!closed) {
            kv.rollback();
            closed = true;
            snapshots.abortStaged();
            node.closed(this);
        }
    }

    NodeAddress address() {
        return node.address();
    }

    void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the memory storage of " + node.address() + " is closed");
        }
    }
}
