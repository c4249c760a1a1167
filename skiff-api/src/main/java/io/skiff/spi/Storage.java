package io.skiff.spi;

/**
 * One node's durable state: the log, the term and vote, and snapshots. The node's loop is the only caller.
 *
 * <p>Durability is explicit: {@link LogStore#sync()} and {@link StateStore#save} mark what must survive a crash;
 * nothing written after the last sync may be relied on after one. Group commit and pipelining live in the node,
 * so an implementation stays a plain synchronous store.
 */
public interface Storage extends AutoCloseable {
    /** @return the log. */
    LogStore log();

    /** @return term, vote and initial membership. */
    StateStore state();

    /** @return snapshots of the state machine. */
    SnapshotStore snapshots();

    /**
     * The ordered key-value store this storage keeps next to the log, for the {@code kv-storage} state machine.
     *
     * @return the store, or empty when this storage keeps none.
     */
    default java.util.Optional<KvStore> kvStore() {
        return java.util.Optional.empty();
    }

    /** Releases files and locks; the data stays. */
    @Override
    void close();
}
