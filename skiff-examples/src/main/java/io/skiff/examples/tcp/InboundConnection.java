package io.skiff.examples.tcp;

import io.skiff.spi.FrameHandler;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.Arrays;

/**
 * A connection a peer opened to this node, read only: it carries that peer's frames to us.
 *
 * <p>The stream is the preamble, then frames, each a 4-byte big-endian length and that many bytes. Bytes are read
 * into one buffer that holds the longest frame, and each complete frame is handed to the node as a read-only view
 * of that buffer, so a frame is copied once, by the kernel, and nothing is allocated per frame.
 */
final class InboundConnection {
    final SocketChannel channel;
    final SelectionKey key;
    long lastReadNs;
    boolean endOfStream;
    /** Why the stream was rejected, or {@code null} while it is well formed. */
    String rejection;

    private final ByteBuffer buffer;
    private final ByteBuffer view;
    private final int maxFrameLength;
    /** Start of the first byte not yet consumed; bytes from here to the buffer's position are unread. */
    private int readOffset;
    private boolean preambleSeen;
    private boolean closed;

    InboundConnection(SocketChannel channel, SelectionKey key, int maxFrameLength, long nowNs) {
        this.channel = channel;
        this.key = key;
        this.maxFrameLength = maxFrameLength;
        this.buffer = ByteBuffer.allocateDirect(TcpTransport.LENGTH_PREFIX_BYTES + maxFrameLength);
        this.view = buffer.asReadOnlyBuffer();
        this.lastReadNs = nowNs;
    }

    /**
     * Reads what the socket has, as far as the buffer has room.
     *
     * @return bytes read.
     * @throws IOException when the connection is broken.
     */
    int read(long nowNs) throws IOException {
        if (readOffset == buffer.position()) {
            buffer.clear();
            readOffset = 0;
        } else if (!buffer.hasRemaining()) {
            // Only a partial frame is left, and it started late in the buffer: move it to the front. The buffer holds
            // the longest frame, so after this the frame always fits.
            buffer.flip().position(readOffset);
            buffer.compact();
            readOffset = 0;
        }
        final int read = channel.read(buffer);
        if (read < 0) {
            endOfStream = true;
            return 0;
        }
        if (read > 0) {
            lastReadNs = nowNs;
        }
        return read;
    }

    /**
     * Delivers complete frames to the handler.
     *
     * @param limit the most frames to deliver.
     * @return frames delivered; fewer than {@code limit} when no complete frame is left or the stream is rejected.
     */
    int deliver(FrameHandler handler, int limit, TcpCounters counters) {
        if (!preambleSeen && !checkPreamble()) {
            return 0;
        }
        int delivered = 0;
        while (delivered < limit && null == rejection) {
            final int available = buffer.position() - readOffset;
            if (available < TcpTransport.LENGTH_PREFIX_BYTES) {
                break;
            }
            final int length = buffer.getInt(readOffset);
            if (length < 0 || length > maxFrameLength) {
                // Framing is lost for good: nothing after a bad length can be trusted to start a frame.
                rejection = "a frame length of " + length + " bytes, expected 0 to " + maxFrameLength;
                break;
            }
            if (available < TcpTransport.LENGTH_PREFIX_BYTES + length) {
                break;
            }
            final int start = readOffset + TcpTransport.LENGTH_PREFIX_BYTES;
            readOffset = start + length;
            view.clear();
            view.position(start).limit(start + length);
            counters.increment(TcpCounters.FRAMES_RECEIVED);
            counters.add(TcpCounters.BYTES_RECEIVED, length);
            handler.onFrame(view);
            delivered++;
        }
        return delivered;
    }

    private boolean checkPreamble() {
        final int available = buffer.position() - readOffset;
        final byte[] expected = TcpTransport.PREAMBLE;
        final int compared = Math.min(available, expected.length);
        for (int i = 0; i < compared; i++) {
            if (buffer.get(readOffset + i) != expected[i]) {
                final byte[] actual = new byte[compared];
                buffer.get(readOffset, actual);
                // Someone who is not a Skiff tcp node dialled our port (a port scan, an HTTP client, another protocol).
                rejection = "a stream that does not start with the Skiff tcp preamble "
                    + Arrays.toString(expected) + ", actual " + Arrays.toString(actual);
                return false;
            }
        }
        if (available < expected.length) {
            return false;
        }
        readOffset += expected.length;
        preambleSeen = true;
        return true;
    }

    /** @return the peer's socket address, for messages. */
    String remote() {
        return String.valueOf(channel.socket().getRemoteSocketAddress());
    }

    boolean isClosed() {
        return closed;
    }

    void close() {
        closed = true;
        key.cancel();
        try {
            channel.close();
        } catch (IOException ignored) {
            // The peer is gone either way.
        }
    }
}
