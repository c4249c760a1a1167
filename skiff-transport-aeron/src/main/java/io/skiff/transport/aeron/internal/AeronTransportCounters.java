package io.skiff.transport.aeron.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What one {@link AeronTransport} did: sends by outcome, frames and bytes received, connection changes, and the
 * losses and rebuilds of its Aeron client.
 *
 * <p>The node's loop is the only writer, so increments are a read and an ordered store (no atomic instruction on
 * the send path); any thread may read the counts, for example to fill the node's stats.
 */
public final class AeronTransportCounters {
    private final AtomicLong framesSent = new AtomicLong();
    private final AtomicLong bytesSent = new AtomicLong();
    private final AtomicLong notConnected = new AtomicLong();
    private final AtomicLong backPressured = new AtomicLong();
    private final AtomicLong adminActions = new AtomicLong();
    private final AtomicLong closed = new AtomicLong();
    private final AtomicLong maxPositionExceeded = new AtomicLong();
    private final AtomicLong framesReceived = new AtomicLong();
    private final AtomicLong bytesReceived = new AtomicLong();
    private final AtomicLong connects = new AtomicLong();
    private final AtomicLong disconnects = new AtomicLong();
    private final AtomicLong clientErrors = new AtomicLong();
    private final AtomicLong clientsLost = new AtomicLong();
    private final AtomicLong clientsRebuilt = new AtomicLong();

    AeronTransportCounters() {
    }

    /** @return frames handed to Aeron ({@code SENT}). */
    public long framesSent() {
        return framesSent.get();
    }

    /** @return bytes of the frames handed to Aeron. */
    public long bytesSent() {
        return bytesSent.get();
    }

    /** @return sends dropped because the peer was not connected ({@code NOT_CONNECTED}). */
    public long notConnected() {
        return notConnected.get();
    }

    /** @return sends dropped because the publication was full or busy rotating its term ({@code BACK_PRESSURED}). */
    public long backPressured() {
        return backPressured.get();
    }

    /** @return offers that met Aeron's ADMIN_ACTION (a term rotation) and were tried once more. */
    public long adminActions() {
        return adminActions.get();
    }

    /** @return sends refused because the transport or its Aeron client was closed ({@code CLOSED}). */
    public long closed() {
        return closed.get();
    }

    /** @return publications that reached their maximum position and were replaced. */
    public long maxPositionExceeded() {
        return maxPositionExceeded.get();
    }

    /** @return whole frames delivered to the node. */
    public long framesReceived() {
        return framesReceived.get();
    }

    /** @return bytes of the frames delivered to the node. */
    public long bytesReceived() {
        return bytesReceived.get();
    }

    /** @return times a peer's publication became connected. */
    public long connects() {
        return connects.get();
    }

    /** @return times a peer's publication stopped being connected. */
    public long disconnects() {
        return disconnects.get();
    }

    /** @return errors the Aeron client reported (each also a warning). */
    public long clientErrors() {
        return clientErrors.get();
    }

    /** @return times the Aeron client was found closed (after a pause longer than the liveness timeout, say). */
    public long clientsLost() {
        return clientsLost.get();
    }

    /** @return times a lost Aeron client was replaced by a working one. */
    public long clientsRebuilt() {
        return clientsRebuilt.get();
    }

    void onSent(int length) {
        increment(framesSent, 1);
        increment(bytesSent, length);
    }

    void onNotConnected() {
        increment(notConnected, 1);
    }

    void onBackPressured() {
        increment(backPressured, 1);
    }

    void onAdminAction() {
        increment(adminActions, 1);
    }

    void onClosed() {
        increment(closed, 1);
    }

    void onMaxPositionExceeded() {
        increment(maxPositionExceeded, 1);
    }

    void onReceived(int length) {
        increment(framesReceived, 1);
        increment(bytesReceived, length);
    }

    void onConnected() {
        increment(connects, 1);
    }

    void onDisconnected() {
        increment(disconnects, 1);
    }

    void onClientLost() {
        increment(clientsLost, 1);
    }

    void onClientRebuilt() {
        increment(clientsRebuilt, 1);
    }

    void onClientError() {
        // The only counter not written by the node's loop alone: a client error may come from a closing thread.
        clientErrors.incrementAndGet();
    }

    @Override
    public String toString() {
        return "AeronTransportCounters{framesSent=" + framesSent() + ", bytesSent=" + bytesSent()
            + ", notConnected=" + notConnected() + ", backPressured=" + backPressured()
            + ", adminActions=" + adminActions() + ", closed=" + closed()
            + ", maxPositionExceeded=" + maxPositionExceeded() + ", framesReceived=" + framesReceived()
            + ", bytesReceived=" + bytesReceived() + ", connects=" + connects() + ", disconnects=" + disconnects()
            + ", clientErrors=" + clientErrors() + ", clientsLost=" + clientsLost() + ", clientsRebuilt="
            + clientsRebuilt() + "}";
    }

    private static void increment(AtomicLong counter, long delta) {
        // Single writer: an ordered store publishes the new value without a locked instruction.
        counter.lazySet(counter.get() + delta);
    }

    /** @return every count by name, as shown in the node's stats. */
    public Map<String, Long> asMap() {
        final Map<String, Long> map = new LinkedHashMap<>();
        map.put("framesSent", framesSent());
        map.put("bytesSent", bytesSent());
        map.put("notConnected", notConnected());
        map.put("backPressured", backPressured());
        map.put("adminActions", adminActions());
        map.put("closed", closed());
        map.put("maxPositionExceeded", maxPositionExceeded());
        map.put("framesReceived", framesReceived());
        map.put("bytesReceived", bytesReceived());
        map.put("connects", connects());
        map.put("disconnects", disconnects());
        map.put("clientErrors", clientErrors());
        map.put("clientsLost", clientsLost());
        map.put("clientsRebuilt", clientsRebuilt());
        return map;
    }
}
