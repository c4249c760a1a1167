package io.skiff.core.raft;

import java.util.Arrays;

/**
 * Linearizable reads waiting on the leader (ReadIndex, thesis §6.4), in arrival order. Each read records the
 * commit index when it arrived; it is released once a heartbeat round started after its arrival has been
 * acknowledged by a majority, which proves this node was still leader after the read began. Reads that arrive
 * together share one round, so one round trip serves many reads.
 */
final class ReadQueue {
    /** Round of reads that have not been assigned to a heartbeat round yet. */
    static final long UNASSIGNED = 0;

    private long[] ids = new long[64];
    private long[] readIndexes = new long[64];
    private long[] rounds = new long[64];
    private Peer[] requesters = new Peer[64];
    private int head;
    private int count;
    private int unassigned;

    boolean isEmpty() {
        return count == 0;
    }

    int size() {
        return count;
    }

    boolean hasUnassigned() {
        return unassigned > 0;
    }

    /**
     * @param requester the remote node that asked, or {@code null} for this node's own reads.
     */
    void add(long id, Peer requester, long readIndex) {
        if (count == ids.length) {
            grow();
        }
        final int slot = (head + count) % ids.length;
        ids[slot] = id;
        readIndexes[slot] = readIndex;
        rounds[slot] = UNASSIGNED;
        requesters[slot] = requester;
        count++;
        unassigned++;
    }

    /** Assigns every unassigned read to the heartbeat round just started. */
    void assign(long round) {
        for (int i = count - unassigned; i < count; i++) {
            rounds[(head + i) % ids.length] = round;
        }
        unassigned = 0;
    }

    /** Sets the read index of reads that arrived before the leader knew its commit index. */
    void setReadIndex(long readIndex) {
        for (int i = 0; i < count; i++) {
            final int slot = (head + i) % ids.length;
            if (readIndexes[slot] < 0) {
                readIndexes[slot] = readIndex;
            }
        }
    }

    /** @return whether the oldest read belongs to a round at most {@code confirmedRound}. */
    boolean headConfirmed(long confirmedRound) {
        return count > 0 && rounds[head] != UNASSIGNED && rounds[head] <= confirmedRound && readIndexes[head] >= 0;
    }

    long headId() {
        return ids[head];
    }

    long headReadIndex() {
        return readIndexes[head];
    }

    Peer headRequester() {
        return requesters[head];
    }

    void removeHead() {
        requesters[head] = null;
        head = (head + 1) % ids.length;
        count--;
        if (unassigned > count) {
            unassigned = count;
        }
    }

    private void grow() {
        final int capacity = ids.length * 2;
        final long[] newIds = new long[capacity];
        final long[] newIndexes = new long[capacity];
        final long[] newRounds = new long[capacity];
        final Peer[] newRequesters = new Peer[capacity];
        for (int i = 0; i < count; i++) {
            final int slot = (head + i) % ids.length;
            newIds[i] = ids[slot];
            newIndexes[i] = readIndexes[slot];
            newRounds[i] = rounds[slot];
            newRequesters[i] = requesters[slot];
        }
        ids = newIds;
        readIndexes = newIndexes;
        rounds = newRounds;
        requesters = newRequesters;
        head = 0;
    }

    @Override
    public String toString() {
        return "ReadQueue{count=" + count + ", unassigned=" + unassigned + ", ids="
            + Arrays.toString(Arrays.copyOf(ids, Math.min(count, 8))) + "}";
    }
}
