package io.skiff.examples.tcp;

import io.skiff.InvalidOptionsException;

import java.time.Duration;

/**
 * Options of the {@code tcp} transport, registered with {@link io.skiff.SkiffOptions.Builder#providerOptions(Object)}
 * and read back by the transport with {@link io.skiff.SkiffOptions#providerOptions(Class)}; without them
 * {@link #defaults()} apply. This is how any provider takes options without the API knowing about them.
 *
 * @param maxFrameLength     the longest frame sent or accepted, in bytes; a peer announcing a longer one is cut off.
 * @param sendBufferBytes    bytes queued per peer while its socket is full; beyond them sends are back-pressured.
 * @param reconnectMin       first wait before reconnecting to a peer that is unreachable; doubled per failure.
 * @param reconnectMax       longest wait between reconnection attempts.
 * @param stallTimeout       how long queued bytes may make no progress before the connection is declared dead; it
 *                           catches a peer whose machine vanished without closing its sockets.
 * @param maxInboundConnections accepted connections kept open at once; the quietest is closed to make room.
 */
public record TcpTransportOptions(int maxFrameLength, int sendBufferBytes, Duration reconnectMin,
    Duration reconnectMax, Duration stallTimeout, int maxInboundConnections) {

    /** Default {@link #maxFrameLength()}: 1 MiB, room for the default 256 KiB InstallSnapshot chunks. */
    public static final int DEFAULT_MAX_FRAME_LENGTH = 1024 * 1024;
    /** Default {@link #sendBufferBytes()}: 4 MiB, the default in-flight window of one follower. */
    public static final int DEFAULT_SEND_BUFFER_BYTES = 4 * 1024 * 1024;
    /** Default {@link #reconnectMin()}. */
    public static final Duration DEFAULT_RECONNECT_MIN = Duration.ofMillis(50);
    /** Default {@link #reconnectMax()}. */
    public static final Duration DEFAULT_RECONNECT_MAX = Duration.ofSeconds(1);
    /** Default {@link #stallTimeout()}. */
    public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofSeconds(5);
    /** Default {@link #maxInboundConnections()}. */
    public static final int DEFAULT_MAX_INBOUND_CONNECTIONS = 64;

    private static final TcpTransportOptions DEFAULTS = new TcpTransportOptions(DEFAULT_MAX_FRAME_LENGTH,
        DEFAULT_SEND_BUFFER_BYTES, DEFAULT_RECONNECT_MIN, DEFAULT_RECONNECT_MAX, DEFAULT_STALL_TIMEOUT,
        DEFAULT_MAX_INBOUND_CONNECTIONS);

    /**
     * Validates the combination.
     *
     * @throws InvalidOptionsException naming the option, its value and what is accepted.
     */
    public TcpTransportOptions {
        if (maxFrameLength < 1024) {
            throw new InvalidOptionsException("tcp maxFrameLength must be at least 1024 bytes, got " + maxFrameLength);
        }
        if (sendBufferBytes < maxFrameLength + TcpTransport.LENGTH_PREFIX_BYTES + TcpTransport.PREAMBLE.length) {
            throw new InvalidOptionsException("tcp sendBufferBytes must hold one frame of maxFrameLength ("
                + maxFrameLength + ") with its length prefix, got " + sendBufferBytes);
        }
        requirePositive(reconnectMin, "reconnectMin");
        requirePositive(reconnectMax, "reconnectMax");
        requirePositive(stallTimeout, "stallTimeout");
        if (reconnectMax.compareTo(reconnectMin) < 0) {
            throw new InvalidOptionsException("tcp reconnectMax (" + reconnectMax + ") must not be less than "
                + "reconnectMin (" + reconnectMin + ")");
        }
        if (maxInboundConnections < 1) {
            throw new InvalidOptionsException("tcp maxInboundConnections must be at least 1, got "
                + maxInboundConnections);
        }
    }

    /** @return every default. */
    public static TcpTransportOptions defaults() {
        return DEFAULTS;
    }

    /**
     * @param bytes the new {@link #maxFrameLength()}; the send buffer grows to hold a frame when it must.
     * @return these options with another frame limit.
     */
    public TcpTransportOptions withMaxFrameLength(int bytes) {
        final int buffer = Math.max(sendBufferBytes, bytes + TcpTransport.LENGTH_PREFIX_BYTES
            + TcpTransport.PREAMBLE.length);
        return new TcpTransportOptions(bytes, buffer, reconnectMin, reconnectMax, stallTimeout,
            maxInboundConnections);
    }

    /**
     * @param bytes the new {@link #sendBufferBytes()}.
     * @return these options with another send buffer.
     */
    public TcpTransportOptions withSendBufferBytes(int bytes) {
        return new TcpTransportOptions(maxFrameLength, bytes, reconnectMin, reconnectMax, stallTimeout,
            maxInboundConnections);
    }

    /**
     * @param timeout the new {@link #stallTimeout()}.
     * @return these options with another stall timeout.
     */
    public TcpTransportOptions withStallTimeout(Duration timeout) {
        return new TcpTransportOptions(maxFrameLength, sendBufferBytes, reconnectMin, reconnectMax, timeout,
            maxInboundConnections);
    }

    private static void requirePositive(Duration value, String option) {
        if (null == value || value.isNegative() || value.isZero()) {
            throw new InvalidOptionsException("tcp " + option + " must be a positive duration, got " + value);
        }
    }
}
