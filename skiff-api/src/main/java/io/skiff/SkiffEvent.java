package io.skiff;

import java.time.Duration;

/**
 * Events a node reports to listeners registered with {@link SkiffNode#on(Class, java.util.function.Consumer)}.
 * They mirror the original's string events; listeners run on the node's event thread, never on its Raft loop, in
 * the order the node produced them.
 */
public sealed interface SkiffEvent {
    /** @return the node that reports the event. */
    NodeAddress node();

    /** The node started: state loaded, network up, following ({@code started}). */
    record Started(NodeAddress node) implements SkiffEvent {
    }

    /** The node stopped. */
    record Stopped(NodeAddress node) implements SkiffEvent {
    }

    /**
     * Something non-fatal went wrong ({@code warning}), e.g. a malformed frame was dropped; repeated warnings of one
     * kind are rate-limited.
     */
    record Warning(NodeAddress node, String message, Throwable cause) implements SkiffEvent {
    }

    /** The transport connected to a peer ({@code connect}). */
    record Connected(NodeAddress node, NodeAddress peer) implements SkiffEvent {
    }

    /** The transport lost its connection to a peer ({@code disconnect}). */
    record Disconnected(NodeAddress node, NodeAddress peer) implements SkiffEvent {
    }

    /** The node's role changed ({@code new state}). */
    record StateChanged(NodeAddress node, NodeState from, NodeState to, long term) implements SkiffEvent {
    }

    /** This node became leader ({@code leader}). */
    record BecameLeader(NodeAddress node, long term) implements SkiffEvent {
    }

    /** The leader this node knows of changed; {@code leader} is {@code null} while none is known. */
    record LeaderChanged(NodeAddress node, NodeAddress leader, long term) implements SkiffEvent {
    }

    /** The election timer fired and the node starts (pre-)campaigning ({@code election timeout}). */
    record ElectionTimeout(NodeAddress node, long term) implements SkiffEvent {
    }

    /** A peer joined the configuration ({@code joined}). */
    record Joined(NodeAddress node, NodeAddress peer) implements SkiffEvent {
    }

    /** A peer left the configuration ({@code left}). */
    record Left(NodeAddress node, NodeAddress peer) implements SkiffEvent {
    }

    /** A round trip to a peer completed ({@code rpc latency}); sampled at most once per heartbeat per peer. */
    record RpcLatency(NodeAddress node, NodeAddress peer, Duration latency) implements SkiffEvent {
    }
}
