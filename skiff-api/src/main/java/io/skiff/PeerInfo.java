package io.skiff;

import java.time.Duration;

/**
 * A cluster member as the leader sees it ({@link SkiffNode#peers()}).
 *
 * @param address        the member.
 * @param state          {@link NodeState#LEADER} for the leader itself, {@link NodeState#LEARNER} for a
 *                       non-voting member, {@link NodeState#FOLLOWER} for any other voter.
 * @param connected      whether the leader heard from it within the RPC timeout.
 * @param matchIndex     highest log index known to be replicated on it.
 * @param nextIndex      next log index the leader will send it.
 * @param lastSentAgo    time since the leader last sent to it, or {@code null} if never.
 * @param lastReceivedAgo time since the leader last heard from it, or {@code null} if never.
 */
public record PeerInfo(NodeAddress address, NodeState state, boolean connected, long matchIndex, long nextIndex,
    Duration lastSentAgo, Duration lastReceivedAgo) {
}
