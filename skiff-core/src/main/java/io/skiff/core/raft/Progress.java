package io.skiff.core.raft;

/**
 * What the leader knows of one follower's log (thesis §3.5) and how it is sending to it.
 *
 * <pre>
 *            reject / send failure                 entries compacted away
 *   PROBE  &lt;---------------------  REPLICATE   ------------------------&gt; SNAPSHOT
 *     |  first success             ^                                        |
 *     +----------------------------+  &lt;-------- snapshot installed ---------+
 * </pre>
 *
 * In PROBE the leader sends one AppendEntries at a time until it finds where the logs match; in REPLICATE it
 * streams entries optimistically within the {@link Inflights} window; in SNAPSHOT it streams a snapshot instead.
 * Invariant: {@code match < next}.
 */
final class Progress {
    enum State { PROBE, REPLICATE, SNAPSHOT }

    State state = State.PROBE;
    long match;
    long next = 1;
    /**
     * In PROBE: an AppendEntries is out, in SNAPSHOT: a chunk is out; wait for its answer or the next heartbeat
     * before sending another.
     */
    boolean probeSent;
    /** In SNAPSHOT: the index of the snapshot being sent. */
    long pendingSnapshot;
    final Inflights inflights;

    Progress(int maxInflightMessages, long maxInflightBytes) {
        inflights = new Inflights(maxInflightMessages, maxInflightBytes);
    }

    void reset(long lastIndex) {
        state = State.PROBE;
        match = 0;
        next = lastIndex + 1;
        probeSent = false;
        inflights.reset();
    }

    void becomeProbe() {
        // A follower that leaves SNAPSHOT resumes after the snapshot the leader knows it has.
        next = match + 1;
        state = State.PROBE;
        probeSent = false;
        inflights.reset();
    }

    void becomeReplicate() {
        state = State.REPLICATE;
        next = match + 1;
        inflights.reset();
    }

    void becomeSnapshot(long snapshotIndex) {
        state = State.SNAPSHOT;
        pendingSnapshot = snapshotIndex;
        probeSent = false;
        inflights.reset();
    }

    /**
     * A success for entries up to {@code index}.
     *
     * @return whether the match index moved forward.
     */
    boolean maybeUpdate(long index) {
        boolean updated = false;
        if (index > match) {
            match = index;
            updated = true;
            probeSent = false;
        }
        next = Math.max(next, index + 1);
        return updated;
    }

    /** @return whether more entries may be sent now. */
    boolean canSend() {
        switch (state) {
            case PROBE:
                return !probeSent;
            case REPLICATE:
                return !inflights.full();
            default:
                return !probeSent;
        }
    }

    @Override
    public String toString() {
        return state + " match=" + match + " next=" + next + " inflight=" + inflights.count();
    }
}
