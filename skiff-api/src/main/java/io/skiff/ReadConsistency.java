package io.skiff;

/** How fresh a read must be. */
public enum ReadConsistency {
    /**
     * The read reflects every write acknowledged before it began, on whichever node it is issued (ReadIndex:
     * the leader confirms with a majority that it still leads, and this node waits until it has applied that far).
     */
    LINEARIZABLE,
    /** The read is served from this node's state as it is, which may lag the cluster; it needs no network. */
    LOCAL
}
