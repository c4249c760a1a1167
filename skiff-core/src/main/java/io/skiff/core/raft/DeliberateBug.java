package io.skiff.core.raft;

/**
 * Protocol violations that a core can be told to commit, so that tests prove the simulation's checkers catch real
 * bugs (a checker that never fails proves nothing). Only the testkit enables them, through
 * {@link RaftCore#inject(DeliberateBug)}; a node built through the API never has one.
 */
public enum DeliberateBug {
    /** A leader commits an entry of an earlier term by counting replicas (dissertation Figure 3.7). */
    COMMIT_BY_COUNTING,
    /** Votes and append acknowledgements leave before what they acknowledge is durable (§3.8). */
    ACK_BEFORE_PERSIST,
    /** A leader answers reads from its own commit index without confirming its leadership (§6.4). */
    READ_WITHOUT_QUORUM
}
