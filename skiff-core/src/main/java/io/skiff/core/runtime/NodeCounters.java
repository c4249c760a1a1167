package io.skiff.core.runtime;

import io.skiff.core.codec.MessageType;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A node's counters: written by the loop alone with ordered stores, read by any thread for {@code stats()}.
 */
final class NodeCounters {
    static final int MESSAGES_SENT = 0;
    static final int MESSAGES_RECEIVED = 1;
    static final int FRAMES_MALFORMED = 2;
    static final int FRAMES_WRONG_CLUSTER = 3;
    static final int FRAMES_UNKNOWN_SENDER = 4;
    static final int FRAMES_UNSUPPORTED_VERSION = 5;
    static final int SEND_NOT_CONNECTED = 6;
    static final int SEND_BACK_PRESSURED = 7;
    static final int SEND_CLOSED = 8;
    static final int ELECTIONS = 9;
    static final int LEADER_CHANGES = 10;
    static final int COMMANDS_PROPOSED = 11;
    static final int COMMANDS_FORWARDED = 12;
    static final int COMMANDS_RETRIED = 13;
    static final int COMMANDS_APPLIED = 14;
    static final int COMMANDS_DEDUPLICATED = 15;
    static final int READS = 16;
    static final int READ_ROUNDS = 17;
    static final int EVENTS_DROPPED = 18;
    static final int BYTES_SENT = 19;
    static final int BYTES_RECEIVED = 20;
    static final int SNAPSHOTS_TAKEN = 21;
    static final int SNAPSHOTS_INSTALLED = 22;
    static final int FRAMES_NOT_AUTHENTIC = 23;
    private static final int FIXED = 24;

    private static final String[] NAMES = {
        "messagesSent", "messagesReceived", "framesMalformed", "framesWrongCluster", "framesUnknownSender",
        "framesUnsupportedVersion", "sendNotConnected", "sendBackPressured", "sendClosed", "elections",
        "leaderChanges", "commandsProposed", "commandsForwarded", "commandsRetried", "commandsApplied",
        "commandsDeduplicated", "reads", "readRounds", "eventsDropped", "bytesSent", "bytesReceived",
        "snapshotsTaken", "snapshotsInstalled", "framesNotAuthentic"
    };

    private final AtomicLongArray values = new AtomicLongArray(FIXED + 2 * MessageType.COUNT);

    void increment(int counter) {
        values.lazySet(counter, values.get(counter) + 1);
    }

    void add(int counter, long delta) {
        values.lazySet(counter, values.get(counter) + delta);
    }

    void sent(int type, int bytes) {
        increment(MESSAGES_SENT);
        add(BYTES_SENT, bytes);
        increment(FIXED + type);
    }

    void received(int type, int bytes) {
        increment(MESSAGES_RECEIVED);
        add(BYTES_RECEIVED, bytes);
        increment(FIXED + MessageType.COUNT + type);
    }

    long get(int counter) {
        return values.get(counter);
    }

    Map<String, Long> rpcs(boolean sent) {
        final Map<String, Long> rpcs = new LinkedHashMap<>();
        final int base = FIXED + (sent ? 0 : MessageType.COUNT);
        for (int type = 1; type < MessageType.COUNT; type++) {
            rpcs.put(MessageType.name(type), values.get(base + type));
        }
        return rpcs;
    }

    Map<String, Long> others() {
        final Map<String, Long> others = new LinkedHashMap<>();
        for (int i = FRAMES_MALFORMED; i < FIXED; i++) {
            others.put(NAMES[i], values.get(i));
        }
        return others;
    }
}
