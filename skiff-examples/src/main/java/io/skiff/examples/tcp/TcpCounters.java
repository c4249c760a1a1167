package io.skiff.examples.tcp;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The transport's counters. Only the node's loop writes them, so a plain read-increment-store is enough; the ordered
 * store lets {@link io.skiff.spi.Transport#stats()} read them from any thread without locks.
 */
final class TcpCounters {
    static final int FRAMES_SENT = 0;
    static final int BYTES_SENT = 1;
    static final int FRAMES_RECEIVED = 2;
    static final int BYTES_RECEIVED = 3;
    static final int SEND_NOT_CONNECTED = 4;
    static final int SEND_BACK_PRESSURED = 5;
    static final int CONNECTS = 6;
    static final int DISCONNECTS = 7;
    static final int CONNECT_FAILURES = 8;
    static final int STREAMS_REJECTED = 9;
    static final int INBOUND_ACCEPTED = 10;

    private static final String[] NAMES = {
        "framesSent", "bytesSent", "framesReceived", "bytesReceived", "sendNotConnected", "sendBackPressured",
        "connects", "disconnects", "connectFailures", "streamsRejected", "inboundAccepted"
    };

    private final AtomicLongArray values = new AtomicLongArray(NAMES.length);

    void increment(int counter) {
        add(counter, 1);
    }

    void add(int counter, long delta) {
        values.lazySet(counter, values.get(counter) + delta);
    }

    long get(int counter) {
        return values.get(counter);
    }

    Map<String, Long> snapshot() {
        final Map<String, Long> snapshot = new LinkedHashMap<>();
        for (int i = 0; i < NAMES.length; i++) {
            snapshot.put(NAMES[i], values.get(i));
        }
        return snapshot;
    }
}
