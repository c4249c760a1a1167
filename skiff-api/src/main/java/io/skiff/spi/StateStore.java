package io.skiff.spi;

/** Term, vote and the initial membership; Raft requires them durable before the node answers anyone. */
public interface StateStore {
    /** @return the saved state, or {@link PersistentState#EMPTY} for a new node. */
    PersistentState load();

    /**
     * Saves the state durably (fsync) before returning.
     *
     * @param state the state.
     * @throws io.skiff.StorageException when it could not be made durable.
     */
    void save(PersistentState state);
}
