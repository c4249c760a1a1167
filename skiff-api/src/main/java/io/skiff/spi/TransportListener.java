package io.skiff.spi;

import io.skiff.NodeAddress;

/**
 * Receives a transport's connection changes and non-fatal problems. Methods may be called from any thread and
 * must not block; the node queues them for its own loop.
 */
public interface TransportListener {
    /** @param peer a peer the transport can now reach. */
    void onConnected(NodeAddress peer);

    /** @param peer a peer the transport can no longer reach. */
    void onDisconnected(NodeAddress peer);

    /**
     * A non-fatal problem, such as a dropped frame, reported as the node's {@code Warning} event.
     *
     * @param message what happened.
     * @param cause   the cause, or {@code null}.
     */
    void onWarning(String message, Throwable cause);
}
