package io.skiff.core.raft;

/** The Raft role of a node (§3.3); weakened and learner are reported states of a follower, not roles. */
public enum Role {
    FOLLOWER,
    PRE_CANDIDATE,
    CANDIDATE,
    LEADER
}
