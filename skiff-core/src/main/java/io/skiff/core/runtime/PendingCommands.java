package io.skiff.core.runtime;

/**
 * This node's commands that are not applied yet, in sequence order. Sequences are assigned contiguously, so the
 * command with sequence {@code s} sits at {@code s - firstSequence} in a ring; the oldest pending sequence is the
 * session floor that tells the cluster which answers it may forget.
 */
final class PendingCommands {
    private Operation[] ring = new Operation[1024];
    private long firstSequence = 1;
    private long nextSequence = 1;
    private int pending;

    /** Assigns the next sequence to a command and tracks it. */
    long add(Operation command) {
        if (nextSequence - firstSequence == ring.length) {
            grow();
        }
        final long sequence = nextSequence++;
        ring[slot(sequence)] = command;
        command.sequence = sequence;
        pending++;
        return sequence;
    }

    /**
     * @return the pending command with this sequence, or {@code null} when it is not pending (answered already,
     * or another node's).
     */
    Operation get(long sequence) {
        if (sequence < firstSequence || sequence >= nextSequence) {
            return null;
        }
        final Operation command = ring[slot(sequence)];
        return null == command || command.done ? null : command;
    }

    /** Forgets a command that has its answer, and every answered one at the head. */
    void remove(Operation command) {
        pending--;
        while (firstSequence < nextSequence) {
            final Operation head = ring[slot(firstSequence)];
            if (null != head && !head.done) {
                break;
            }
            ring[slot(firstSequence)] = null;
            firstSequence++;
        }
    }

    /** @return the lowest sequence still waiting: every sequence below it has been answered. */
    long floor() {
        return firstSequence;
    }

    int size() {
        return pending;
    }

    boolean isEmpty() {
        return pending == 0;
    }

    /** @return the sequence after the last assigned one, for iterating with {@link #get}. */
    long end() {
        return nextSequence;
    }

    private int slot(long sequence) {
        return (int)(sequence & (ring.length - 1));
    }

    private void grow() {
        final Operation[] larger = new Operation[ring.length * 2];
        for (long s = firstSequence; s < nextSequence; s++) {
            larger[(int)(s & (larger.length - 1))] = ring[slot(s)];
        }
        ring = larger;
    }
}
