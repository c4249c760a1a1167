package io.skiff.core.raft;

import io.skiff.NodeAddress;
import io.skiff.NodeState;
import org.agrona.DirectBuffer;

/**
 * What the core reports to its runtime besides frames, synchronously on the caller's thread. Implementations
 * queue the work; they must not call back into the core.
 */
public interface RaftListener {
    void onStateChanged(NodeState from, NodeState to, long term);

    /** @param leader the new leader, or {@code null} while none is known. */
    void onLeaderChanged(NodeAddress leader, long term);

    void onElectionTimeout(long term);

    /**
     * A read this node asked for through {@link RaftCore#readIndex(long)} may proceed once the state machine has
     * applied {@code readIndex}, or failed (no leader, leadership lost).
     */
    void onReadIndex(long requestId, long readIndex, boolean success);

    /** The leader this node forwarded commands to refused them; {@code leader} is its hint, or {@code null}. */
    void onClientReject(NodeAddress leader);

    /** The leader answered a peers request; the entries are laid out as in a PeersResponse frame. */
    void onPeers(long requestId, DirectBuffer buffer, int offset, int count);

    /** A heartbeat round trip to a peer completed. */
    void onRpcLatency(NodeAddress peer, long latencyNs);

    /**
     * Members were added to or removed from the configuration in effect (not yet committed), so the transport
     * connects the new ones and, after a grace period, disconnects the removed ones.
     */
    void onPeersChanged(java.util.List<NodeAddress> added, java.util.List<NodeAddress> removed);

    /**
     * A node outside the configuration sent a Raft message, and this node will answer it: a node whose log is behind
     * does not know the members added since (thesis §4.1). The runtime connects the transport to it so that the
     * answer reaches it.
     *
     * @param stranger its address, in canonical form and not this node's.
     * @return false to refuse it (the transport cannot reach such an address): its frame is then dropped as from
     * an unknown sender.
     */
    boolean onStrangerHeard(NodeAddress stranger);

    /**
     * A stranger was not heard from for two maximum election timeouts, or made room for another: the runtime
     * disconnects from it. A stranger that joins the configuration is reported by {@link #onPeersChanged} as added
     * instead.
     */
    void onStrangerForgotten(NodeAddress stranger);

    /** A configuration committed: the membership every node now agrees on. */
    void onConfigurationCommitted(Configuration configuration);

    /** A membership change or leadership transfer this node asked for ended; see {@link MembershipStatus}. */
    void onMembershipResult(long requestId, int status, String message);
}
