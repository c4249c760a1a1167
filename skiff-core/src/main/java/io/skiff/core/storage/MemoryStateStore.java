package io.skiff.core.storage;

import io.skiff.spi.PersistentState;
import io.skiff.spi.StateStore;

import java.util.Objects;

/** Term, vote and initial membership of one open {@link MemoryStorage}; a save is durable on return. */
final class MemoryStateStore implements StateStore {
    private final MemoryStorage storage;
    private final NodeStorage node;

    MemoryStateStore(MemoryStorage storage, NodeStorage node) {
        this.storage = storage;
        this.node = node;
    }

    @Override
    public PersistentState load() {
        storage.checkOpen();
        return node.state();
    }

    @Override
    public void save(PersistentState state) {
        storage.checkOpen();
        node.state(Objects.requireNonNull(state, "state"));
    }
}
