package io.skiff.spi;

import io.skiff.NodeAddress;

import java.nio.ByteBuffer;
import java.util.Map;

/**
 * Moves opaque frames between nodes. The node's loop is its only caller, so an implementation needs no locking for
 * calls from it; it must never block that loop.
 *
 * <p>Frames are whole messages: a frame passed to {@link #send} arrives whole or not at all, at most once per
 * send, in any order; Raft tolerates loss, duplication and reordering, so a transport need not hide them. Frames
 * are validated by the node, not by the transport.
 */
public interface Transport extends AutoCloseable {
    /**
     * Sends one frame without blocking.
     *
     * @param peer  the destination.
     * @param frame the frame between its position and limit; the transport must copy what it keeps, and leaves
     *              position and limit as they were.
     * @return {@link SendResult#SENT}, or why the frame was not sent; the node retries or drops as it sees fit.
     * @throws IllegalArgumentException when the frame is longer than {@link #maxFrameLength()}.
     */
    SendResult send(NodeAddress peer, ByteBuffer frame);

    /**
     * Delivers received frames to the handler.
     *
     * @param handler    called once per frame, on the caller's thread.
     * @param frameLimit the most frames to deliver in this call.
     * @return the number of frames delivered (0 when idle), to drive the node's idle strategy.
     */
    int poll(FrameHandler handler, int frameLimit);

    /**
     * Prepares sending to a peer (e.g. opens a publication); sending to a peer not connected first may return
     * {@link SendResult#NOT_CONNECTED}.
     *
     * @param peer the peer.
     */
    void connect(NodeAddress peer);

    /**
     * Releases what {@link #connect} set up; later sends to the peer return {@link SendResult#NOT_CONNECTED}.
     *
     * @param peer the peer.
     */
    void disconnect(NodeAddress peer);

    /**
     * Counters the transport keeps (sends by outcome, bytes, reconnects, ...), shown in the node's
     * {@link io.skiff.NodeStats#counters()} with the prefix {@code transport.}. Called from any thread.
     *
     * @return counter values by name; empty by default.
     */
    default Map<String, Long> stats() {
        return Map.of();
    }

    /** @return the longest frame {@link #send} accepts, in bytes. */
    int maxFrameLength();

    /** Releases every resource; later calls to send return {@link SendResult#CLOSED}. */
    @Override
    void close();
}
