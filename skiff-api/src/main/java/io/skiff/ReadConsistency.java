package io.skiff;

/** How fresh a read must be. */
public enum ReadConsistency {
    /**
     * The read reflects every write acknowledged before it began, on whichever node it is issued (ReadIndex:
     * the leader confirms with a majority that it still leads, and this node waits until it has applied that far).
     */
    LINEARIZABLE,
    /** The read is served from this node's state as it is, which may lag the cluster; it needs no network. */
    LOCAL,
    /**
     * As {@link #LINEARIZABLE}, but the leader skips the round trip to a majority while its lease holds: for
     * {@code electionTimeoutMin - leaseClockDrift} from the heartbeat round a majority last acknowledged, no other
     * node can have been elected (its voters promised not to vote), so the leader answers from its own state. The
     * guarantee rests on the nodes' clocks drifting less than {@link SkiffOptions#leaseClockDrift()}; with
     * check-quorum off, during a leadership transfer, before a new leader has committed an entry of its term, or
     * when the lease has run out, the read falls back to ReadIndex. On a follower it is a linearizable read.
     */
    LEASE
}
