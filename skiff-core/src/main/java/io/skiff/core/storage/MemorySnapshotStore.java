package io.skiff.core.storage;

import io.skiff.spi.SnapshotMeta;
import io.skiff.spi.SnapshotStore;

import java.util.Objects;
import java.util.Optional;

/**
 * Snapshots of one open {@link MemoryStorage}. A snapshot is staged in its writer alone, so it is invisible until
 * {@link Writer#commit()} swaps it in as the node's latest in one step, and a crash before that leaves no trace.
 */
final class MemorySnapshotStore implements SnapshotStore {
    private final MemoryStorage storage;
    private final NodeStorage node;
    private MemorySnapshotWriter staged;

    MemorySnapshotStore(MemoryStorage storage, NodeStorage node) {
        this.storage = storage;
        this.node = node;
    }

    @Override
    public Optional<SnapshotMeta> latest() {
        storage.checkOpen();
        final SnapshotData snapshot = node.snapshot();
        return null == snapshot ? Optional.empty() : Optional.of(snapshot.meta());
    }

    @Override
    public Writer create(SnapshotMeta meta) {
        storage.checkOpen();
        Objects.requireNonNull(meta, "meta");
        abortStaged();
        staged = new MemorySnapshotWriter(this, meta);
        return staged;
    }

    @Override
    public Optional<Reader> open() {
        storage.checkOpen();
        final SnapshotData snapshot = node.snapshot();
        return null == snapshot ? Optional.empty() : Optional.of(new MemorySnapshotReader(storage, snapshot));
    }

    void checkOpen() {
        storage.checkOpen();
    }

    /** Called by a writer that commits: its snapshot becomes the latest, the previous one is dropped. */
    void commit(MemorySnapshotWriter writer, SnapshotData snapshot) {
        node.snapshot(snapshot);
        finished(writer);
    }

    /** Called by a writer that commits or aborts. */
    void finished(MemorySnapshotWriter writer) {
        if (staged == writer) {
            staged = null;
        }
    }

    /** Discards the staged snapshot, if any: a new one replaces it, or the storage closes. */
    void abortStaged() {
        if (null != staged) {
            staged.discard();
            staged = null;
        }
    }
}
