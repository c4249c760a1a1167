package io.skiff.core.raft;

import io.skiff.NodeAddress;

/**
 * A leadership transfer in progress (thesis §3.10): the leader stops taking proposals, brings the target up to
 * date, then sends it TimeoutNow so that it campaigns at once; it ends when the target leads or the time is up.
 */
final class LeadershipTransfer {
    final NodeAddress target;
    final long requestId;
    /** Who asked: {@code null} for this node, else a peer waiting for the answer. */
    final Peer requester;
    final long deadlineNs;
    boolean timeoutNowSent;

    LeadershipTransfer(NodeAddress target, long requestId, Peer requester, long deadlineNs) {
        this.target = target;
        this.requestId = requestId;
        this.requester = requester;
        this.deadlineNs = deadlineNs;
    }
}
