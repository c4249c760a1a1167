package io.skiff;

/** The role a node plays, as reported by {@link SkiffNode#state()} and {@link SkiffEvent.StateChanged}. */
public enum NodeState {
    /** Not started yet, or stopped. */
    STOPPED,
    /** Follows a leader, or waits for one. */
    FOLLOWER,
    /** Asks its peers whether it could win an election, without disturbing the current term (pre-vote). */
    PRE_CANDIDATE,
    /** Campaigns for leadership in a new term. */
    CANDIDATE,
    /** Leads the cluster: accepts commands and replicates the log. */
    LEADER,
    /** Follows but ignores election timeouts until it hears from a leader or the weakening ends. */
    WEAKENED,
    /** Receives the log but does not vote and does not count toward quorum, until promoted. */
    LEARNER
}
