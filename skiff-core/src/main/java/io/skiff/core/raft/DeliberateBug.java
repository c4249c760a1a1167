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
    READ_WITHOUT_QUORUM,
    /**
     * A leader handing over its leadership drops a proposal but reports it appended, so the caller waits for an
     * entry that is not in the log (issue 12, defect 2).
     */
    PROPOSAL_DROPPED_SILENTLY,
    /**
     * A leader re-elected while the transfer it started in an earlier term is open keeps that transfer, and refuses
     * proposals until the transfer's deadline (issue 12, defect 3).
     */
    TRANSFER_OUTLIVES_ITS_TERM,
    /**
     * A follower installs a snapshot that its log (unstable tail included) already covers, dropping entries it
     * acknowledged in the same duty cycle, and a leader counts acknowledgements beyond the snapshot it is sending
     * (issue 12, defect 1).
     */
    INSTALL_OVER_ACKNOWLEDGED_TAIL,
    /**
     * A node started to join a cluster, with empty storage, counts itself a voter of the members it was given, and
     * campaigns before any configuration entry names it (issue 12, defect 4). Applies when injected, right after
     * the node is built.
     */
    JOINER_BOOTS_AS_VOTER,
    /** A leader counts its lease from when a majority's acknowledgements arrived, not from when it sent the round. */
    LEASE_FROM_RECEIPT,
    /** A leader that hands over or steps down keeps answering lease reads until its lease runs out. */
    LEASE_SURVIVES_STEP_DOWN
}
