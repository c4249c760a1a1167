package io.skiff.examples.tcp;

import io.skiff.NodeAddress;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * The connection this node opened to one peer, used only to send to it. Frames from the peer arrive on the
 * connection the peer opened to us ({@link InboundConnection}), so each direction has one writer and one reader and
 * neither side has to decide who dials whom.
 *
 * <p>A link is in one of three states: waiting to (re)connect at {@link #retryAtNs}, connecting, or connected. Frames
 * are queued in {@link #pending} and written as far as the socket takes them; the rest waits for {@code OP_WRITE}.
 */
final class OutboundLink {
    enum State {
        WAITING,
        CONNECTING,
        CONNECTED
    }

    final NodeAddress peer;
    /** Frames not yet written, in fill mode: bytes from 0 to position. */
    final ByteBuffer pending;
    State state = State.WAITING;
    SocketChannel channel;
    SelectionKey key;
    long retryAtNs;
    long backoffNs;
    /** When queued bytes last moved into the socket, or when the queue last became non-empty. */
    long lastProgressNs;

    OutboundLink(NodeAddress peer, int sendBufferBytes, long initialBackoffNs) {
        this.peer = peer;
        this.pending = ByteBuffer.allocateDirect(sendBufferBytes);
        this.backoffNs = initialBackoffNs;
    }

    boolean hasPending() {
        return pending.position() > 0;
    }

    /**
     * Queues one length-prefixed frame.
     *
     * @return {@code false} when the queue has no room for it.
     */
    boolean enqueue(ByteBuffer frame, long nowNs) {
        final int length = frame.remaining();
        if (pending.remaining() < TcpTransport.LENGTH_PREFIX_BYTES + length) {
            return false;
        }
        if (!hasPending()) {
            lastProgressNs = nowNs;
        }
        pending.putInt(length);
        // The absolute bulk put copies without touching the caller's position and limit, and allocates nothing.
        pending.put(pending.position(), frame, frame.position(), length);
        pending.position(pending.position() + length);
        return true;
    }

    /**
     * Writes as much of the queue as the socket takes and asks for {@code OP_WRITE} when some is left.
     *
     * @throws IOException when the connection is broken.
     */
    void flush(long nowNs) throws IOException {
        if (!hasPending()) {
            return;
        }
        pending.flip();
        final int written;
        try {
            written = channel.write(pending);
        } finally {
            pending.compact();
        }
        if (written > 0) {
            lastProgressNs = nowNs;
        }
        final int interest = hasPending() ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ;
        if (key.interestOps() != interest) {
            key.interestOps(interest);
        }
    }

    /** Drops the connection and whatever was queued on it; the queued frames are lost, which Raft tolerates. */
    void reset() {
        if (null != key) {
            key.cancel();
            key = null;
        }
        if (null != channel) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Closing a broken socket may fail; it is gone either way.
            }
            channel = null;
        }
        pending.clear();
        state = State.WAITING;
    }
}
