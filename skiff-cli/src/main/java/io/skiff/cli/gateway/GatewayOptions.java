package io.skiff.cli.gateway;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * How the HTTP gateway listens and how much it takes on.
 *
 * @param bind            host and port to listen on; port 0 picks a free one.
 * @param threads         handler threads: the most requests served at once (each waits for its node's answer).
 * @param queueCapacity   requests waiting for a thread; beyond them requests are answered 503.
 * @param requestTimeout  how long a request waits for the node before it is answered 504.
 * @param maxCommandBytes the node's {@code maxCommandBytes}: larger writes are answered 413 before reaching it.
 * @param limits          timeouts and connection bounds of the HTTP server.
 */
public record GatewayOptions(InetSocketAddress bind, int threads, int queueCapacity, Duration requestTimeout,
    int maxCommandBytes, HttpLimits limits) {

    /** Default {@link #threads()}. */
    public static final int DEFAULT_THREADS = 8;
    /** Default {@link #queueCapacity()}. */
    public static final int DEFAULT_QUEUE_CAPACITY = 256;
    /** Default {@link #requestTimeout()}: longer than a node's own retries (about 2 s by default). */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);

    /**
     * @throws IllegalArgumentException naming the value out of range.
     */
    public GatewayOptions {
        Objects.requireNonNull(bind, "bind");
        if (threads < 1 || threads > 256) {
            throw new IllegalArgumentException("gateway threads must be 1 to 256, got " + threads);
        }
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("gateway queue capacity must be at least 1, got " + queueCapacity);
        }
        if (null == requestTimeout || requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("gateway request timeout must be positive, got " + requestTimeout);
        }
        if (maxCommandBytes < 1) {
            throw new IllegalArgumentException("maxCommandBytes must be positive, got " + maxCommandBytes);
        }
        Objects.requireNonNull(limits, "limits");
    }

    /** Options with {@link HttpLimits#DEFAULTS}. */
    public GatewayOptions(InetSocketAddress bind, int threads, int queueCapacity, Duration requestTimeout,
        int maxCommandBytes) {
        this(bind, threads, queueCapacity, requestTimeout, maxCommandBytes, HttpLimits.DEFAULTS);
    }
}
