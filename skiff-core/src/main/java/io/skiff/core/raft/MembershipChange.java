package io.skiff.core.raft;

import io.skiff.NodeAddress;

/**
 * A configuration change a leader is carrying out, one at a time (§4.3, joint consensus):
 * <pre>
 *   join X:  add X as a learner -> X caught up -> joint (voters + X, outgoing voters) -> final (voters + X)
 *   leave X: a learner X: final (without X); a voter X: joint (voters - X, outgoing voters) -> final (voters - X)
 * </pre>
 * Each step waits for the previous configuration entry to commit. A learner is promoted once it has everything
 * committed, so adding it never stalls commits on an empty voter.
 */
final class MembershipChange {
    enum Operation { JOIN, LEAVE }

    enum Phase { LEARNER, JOINT, FINAL }

    final Operation operation;
    final NodeAddress target;
    final long requestId;
    /** Who asked: {@code null} for this node, else a peer waiting for the answer. */
    final Peer requester;
    final long deadlineNs;
    Phase phase;
    /** Index of the configuration entry of the current phase. */
    long entryIndex;

    MembershipChange(Operation operation, NodeAddress target, long requestId, Peer requester, long deadlineNs) {
        this.operation = operation;
        this.target = target;
        this.requestId = requestId;
        this.requester = requester;
        this.deadlineNs = deadlineNs;
    }

    @Override
    public String toString() {
        return operation.name().toLowerCase() + " " + target + " (" + phase + " at " + entryIndex + ")";
    }
}
