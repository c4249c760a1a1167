package io.skiff.core.raft;

import io.skiff.NodeAddress;
import org.agrona.DirectBuffer;

/**
 * The nodes outside the configuration that sent this node Raft messages lately: strangers. A node whose log is
 * behind does not know the members added since it fell behind, yet must follow and vote for them (thesis §4.1), and
 * its answers must reach them. Strangers are never counted in a quorum, replicated to, sent heartbeats or listed as
 * peers. At most {@link #CAPACITY} are kept, so senders that keep changing cost a bounded amount; the least
 * recently heard makes room for a new one.
 */
final class Strangers {
    static final int CAPACITY = 8;

    private final Peer[] slots = new Peer[CAPACITY];
    private int count;

    int count() {
        return count;
    }

    /** @return the stranger whose address bytes these are, or {@code null}. */
    Peer find(DirectBuffer buffer, int offset, int length) {
        for (int i = 0; i < count; i++) {
            if (slots[i].hasAddress(buffer, offset, length)) {
                return slots[i];
            }
        }
        return null;
    }

    /**
     * Takes a stranger out, because it joined the configuration.
     *
     * @return the stranger at that address, or {@code null}.
     */
    Peer remove(NodeAddress address) {
        for (int i = 0; i < count; i++) {
            if (slots[i].address().equals(address)) {
                return removeAt(i);
            }
        }
        return null;
    }

    /**
     * Keeps a new stranger; when full, the least recently heard one other than {@code keep} makes room.
     *
     * @param keep the stranger this node follows as its leader, if any: never evicted.
     * @return the stranger evicted, or {@code null}.
     */
    Peer add(Peer stranger, Peer keep) {
        Peer evicted = null;
        if (count == CAPACITY) {
            int oldest = -1;
            for (int i = 0; i < count; i++) {
                if (slots[i] != keep && (oldest < 0 || slots[i].lastReceivedNs < slots[oldest].lastReceivedNs)) {
                    oldest = i;
                }
            }
            evicted = removeAt(oldest);
        }
        slots[count++] = stranger;
        return evicted;
    }

    /**
     * Takes out one stranger last heard before a time.
     *
     * @param keep the stranger this node follows as its leader, if any: never expires.
     * @return the stranger, or {@code null} when none is that old.
     */
    Peer expire(long heardBeforeNs, Peer keep) {
        for (int i = 0; i < count; i++) {
            if (slots[i] != keep && slots[i].lastReceivedNs < heardBeforeNs) {
                return removeAt(i);
            }
        }
        return null;
    }

    private Peer removeAt(int i) {
        final Peer removed = slots[i];
        slots[i] = slots[--count];
        slots[count] = null;
        return removed;
    }
}
