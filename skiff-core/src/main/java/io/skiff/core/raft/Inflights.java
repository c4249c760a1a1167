package io.skiff.core.raft;

/**
 * The AppendEntries sent to one follower and not yet acknowledged, as a ring of (last index, bytes) pairs, bounded
 * both in messages and in bytes so that a slow follower cannot make the leader buffer without limit.
 */
final class Inflights {
    private final long[] lastIndexes;
    private final int[] sizes;
    private final long maxBytes;
    private int start;
    private int count;
    private long bytes;

    Inflights(int maxMessages, long maxBytes) {
        this.lastIndexes = new long[maxMessages];
        this.sizes = new int[maxMessages];
        this.maxBytes = maxBytes;
    }

    /** @return whether another message may be sent. */
    boolean full() {
        return count == lastIndexes.length || bytes >= maxBytes;
    }

    int count() {
        return count;
    }

    long bytes() {
        return bytes;
    }

    /** Records a message whose last entry is {@code lastIndex}; indexes must increase. */
    void add(long lastIndex, int size) {
        final int slot = (start + count) % lastIndexes.length;
        lastIndexes[slot] = lastIndex;
        sizes[slot] = size;
        count++;
        bytes += size;
    }

    /** Frees every message whose last index is at most {@code index}. */
    void freeUpTo(long index) {
        while (count > 0 && lastIndexes[start] <= index) {
            bytes -= sizes[start];
            start = (start + 1) % lastIndexes.length;
            count--;
        }
    }

    void reset() {
        start = 0;
        count = 0;
        bytes = 0;
    }
}
