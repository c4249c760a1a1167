package io.skiff.core.raft;

import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.MutableDirectBuffer;

import java.util.Arrays;

/**
 * Frames the core produced and the runtime must send, encoded back to back in one buffer that grows and never
 * shrinks. Each frame is marked either to go at once or only after the state it acknowledges is durable: votes
 * and follower acknowledgements wait for persistence (thesis §3.8), a leader's AppendEntries do not (§10.2.1).
 */
public final class Outbox {
    private final ExpandableDirectByteBuffer buffer = new ExpandableDirectByteBuffer(64 * 1024);
    private int[] offsets = new int[64];
    private int[] lengths = new int[64];
    private Peer[] destinations = new Peer[64];
    private boolean[] afterPersist = new boolean[64];
    private int count;
    private int position;

    /** @return the buffer to encode the next frame into, at {@link #position()}. */
    public MutableDirectBuffer buffer() {
        return buffer;
    }

    /** @return where the next frame starts. */
    public int position() {
        return position;
    }

    /**
     * Commits the frame just encoded at {@link #position()}.
     *
     * @param to           the destination.
     * @param length       the frame length.
     * @param waitsPersist whether it must wait until the node's state and entries are durable.
     */
    public void commit(Peer to, int length, boolean waitsPersist) {
        if (count == offsets.length) {
            final int capacity = count * 2;
            offsets = Arrays.copyOf(offsets, capacity);
            lengths = Arrays.copyOf(lengths, capacity);
            destinations = Arrays.copyOf(destinations, capacity);
            afterPersist = Arrays.copyOf(afterPersist, capacity);
        }
        offsets[count] = position;
        lengths[count] = length;
        destinations[count] = to;
        afterPersist[count] = waitsPersist;
        count++;
        position += length;
    }

    public int count() {
        return count;
    }

    public int offset(int frame) {
        return offsets[frame];
    }

    public int length(int frame) {
        return lengths[frame];
    }

    public Peer destination(int frame) {
        return destinations[frame];
    }

    public boolean waitsPersist(int frame) {
        return afterPersist[frame];
    }

    /** @return the underlying direct buffer, for transports that take {@link java.nio.ByteBuffer}s. */
    public ExpandableDirectByteBuffer directBuffer() {
        return buffer;
    }

    /** Forgets every frame once the runtime has sent them. */
    public void clear() {
        Arrays.fill(destinations, 0, count, null);
        count = 0;
        position = 0;
    }
}
