package io.skiff.core.raft;

/** Outcomes of membership changes and leadership transfers; values travel in MembershipResponse frames. */
public final class MembershipStatus {
    /** Done (or nothing to do: the node already was, or was not, a member). */
    public static final int OK = 0;
    /** The node asked is not the leader; the message names the leader if known. Retry there. */
    public static final int NOT_LEADER = 1;
    /** Another change is in progress; this one was refused, not queued. */
    public static final int IN_PROGRESS = 2;
    /** The change did not finish in time; it may still finish. */
    public static final int TIMEOUT = 3;
    /** The request cannot be carried out as asked (e.g. removing the last voter). */
    public static final int REJECTED = 4;
    /** The leader is not ready yet (it has not committed an entry of its term); retry shortly. */
    public static final int RETRY = 5;
    /** Leadership was lost during the change; the change may or may not complete. */
    public static final int INTERRUPTED = 6;

    private MembershipStatus() {
    }
}
