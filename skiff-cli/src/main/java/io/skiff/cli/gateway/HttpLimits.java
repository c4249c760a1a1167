package io.skiff.cli.gateway;

import java.time.Duration;

/**
 * What the gateway's HTTP server allows a client, so that slow or greedy clients cannot starve the others.
 *
 * @param headerTimeout           the most time a connection may take to send a request's line and headers, counted
 *                                from its opening or from the end of its previous response; then it is closed. This
 *                                is what ends a slowloris connection that trickles header lines.
 * @param bodyTimeout             the most time a request may take to send its body once its headers are in.
 * @param idleTimeout             how long a connection may stay silent, even in the middle of a request.
 * @param maxConnections          open connections in total; beyond them new ones wait in the listen backlog.
 * @param maxConnectionsPerClient open connections from one IP address; further ones are closed at once.
 * @param maxHeaderBytes          the request line and headers together; beyond it the answer is 431 (414 for a long
 *                                request line).
 */
public record HttpLimits(Duration headerTimeout, Duration bodyTimeout, Duration idleTimeout, int maxConnections,
    int maxConnectionsPerClient, int maxHeaderBytes) {

    /** Default {@link #headerTimeout()}, in milliseconds. */
    public static final long DEFAULT_HEADER_TIMEOUT_MS = 10_000;
    /** Default {@link #bodyTimeout()}, in ms: a 256 KiB batch (4 × the default maxCommandBytes) at 10 KiB/s. */
    public static final long DEFAULT_BODY_TIMEOUT_MS = 30_000;
    /** Default {@link #idleTimeout()}, in milliseconds. */
    public static final long DEFAULT_IDLE_TIMEOUT_MS = 30_000;
    /** Default {@link #maxConnections()}. */
    public static final int DEFAULT_MAX_CONNECTIONS = 1024;
    /** Default {@link #maxConnectionsPerClient()}. */
    public static final int DEFAULT_MAX_CONNECTIONS_PER_CLIENT = 64;
    /** Default {@link #maxHeaderBytes()}: no route needs more than a key in the path. */
    public static final int DEFAULT_MAX_HEADER_BYTES = 8 * 1024;

    /** Every limit at its default. */
    public static final HttpLimits DEFAULTS = new HttpLimits(Duration.ofMillis(DEFAULT_HEADER_TIMEOUT_MS),
        Duration.ofMillis(DEFAULT_BODY_TIMEOUT_MS), Duration.ofMillis(DEFAULT_IDLE_TIMEOUT_MS), DEFAULT_MAX_CONNECTIONS,
        DEFAULT_MAX_CONNECTIONS_PER_CLIENT, DEFAULT_MAX_HEADER_BYTES);

    /**
     * @throws IllegalArgumentException naming the value out of range.
     */
    public HttpLimits {
        requirePositive(headerTimeout, "header timeout");
        requirePositive(bodyTimeout, "body timeout");
        requirePositive(idleTimeout, "idle timeout");
        if (maxConnections < 1) {
            throw new IllegalArgumentException("gateway max connections must be at least 1, got " + maxConnections);
        }
        if (maxConnectionsPerClient < 1 || maxConnectionsPerClient > maxConnections) {
            throw new IllegalArgumentException("gateway max connections per client must be 1 to max connections ("
                + maxConnections + "), got " + maxConnectionsPerClient);
        }
        if (maxHeaderBytes < 1024) {
            throw new IllegalArgumentException("gateway max header bytes must be at least 1024, got "
                + maxHeaderBytes);
        }
    }

    private static void requirePositive(Duration duration, String what) {
        if (null == duration || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("gateway " + what + " must be positive, got " + duration);
        }
    }
}
