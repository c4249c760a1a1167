package io.skiff.core.runtime;

import io.skiff.NodeAddress;
import io.skiff.SkiffEvent;
import io.skiff.spi.TransportListener;
import org.agrona.concurrent.ManyToOneConcurrentLinkedQueue;

/**
 * The transport's listener: queues connection changes for the node's loop (transports may report from their own
 * threads) and publishes warnings straight to the node's events.
 */
public final class TransportEvents implements TransportListener {
    /** A connection change of one peer. */
    public record Change(NodeAddress peer, boolean connected) {
    }

    private final NodeAddress node;
    private final EventSink events;
    private final ManyToOneConcurrentLinkedQueue<Change> changes = new ManyToOneConcurrentLinkedQueue<>();

    public TransportEvents(NodeAddress node, EventSink events) {
        this.node = node;
        this.events = events;
    }

    @Override
    public void onConnected(NodeAddress peer) {
        changes.offer(new Change(peer, true));
    }

    @Override
    public void onDisconnected(NodeAddress peer) {
        changes.offer(new Change(peer, false));
    }

    @Override
    public void onWarning(String message, Throwable cause) {
        events.publish(new SkiffEvent.Warning(node, message, cause));
    }

    /** @return the oldest queued change, or {@code null}. */
    Change poll() {
        return changes.poll();
    }
}
