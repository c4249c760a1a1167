package io.skiff.spi;

import java.nio.ByteBuffer;

/**
 * The replicated state: every node applies the same committed commands in the same order, so every node reaches
 * the same state. Called only from the node's loop.
 *
 * <p>{@link #apply} must be deterministic: the same command on the same state gives the same state and result on
 * every node (no clocks, no randomness, no iteration order of hash tables). The node deduplicates retried
 * commands before they get here, so each committed command is applied exactly once.
 */
public interface StateMachine extends AutoCloseable {
    /**
     * The index up to which the state is already applied when opened. In-memory state machines return 0; those
     * that persist their state with the index in the same transaction return that index and are not replayed.
     *
     * @return the applied index.
     */
    long appliedIndex();

    /**
     * Applies a committed command.
     *
     * @param index   the command's log index, increasing from call to call.
     * @param command the command between position and limit, valid only during the call.
     * @return the result handed to the client; an empty array for none.
     */
    byte[] apply(long index, ByteBuffer command);

    /**
     * Ends a batch of {@link #apply} calls. A state machine that keeps its state in storage commits it here with
     * {@code appliedIndex} in the same transaction; one held in memory has nothing to do.
     *
     * @param appliedIndex the index of the last command applied.
     */
    default void commit(long appliedIndex) {
    }

    /**
     * Answers a read-only query from the current state; must not change it.
     *
     * @param query the query between position and limit.
     * @return the answer.
     */
    byte[] query(ByteBuffer query);

    /**
     * Writes the current state as records.
     *
     * @param writer receives the records; the node commits it.
     */
    void snapshot(SnapshotStore.Writer writer);

    /**
     * Replaces the whole state with a snapshot's.
     *
     * @param reader the snapshot; its {@link SnapshotMeta#index()} becomes the applied index.
     */
    void restore(SnapshotStore.Reader reader);

    @Override
    void close();
}
