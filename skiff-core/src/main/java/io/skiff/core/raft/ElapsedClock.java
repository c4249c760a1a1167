package io.skiff.core.raft;

/**
 * Time summed from the forward steps of the monotonic clock the core is given, each step counted up to a cap. The
 * core's own time is the highest reading so far, so a clock set back by a second stands still for that second; this
 * one keeps counting from the lower reading. Lease reads measure on two of them: the leader, uncapped, so that no
 * elapsed time is missed; a follower keeping its promise not to vote, capped, so that a clock jumping forward cannot
 * end the promise early by more than the cap (a pause, which the cap cannot tell from a jump, only makes it last
 * longer).
 */
final class ElapsedClock {
    private final long maxStepNs;
    private long lastReadingNs;
    private long elapsedNs;

    /**
     * @param maxStepNs the most one step counts; above the longest step of a healthy node's loop.
     * @param readingNs the clock's current reading.
     */
    ElapsedClock(long maxStepNs, long readingNs) {
        this.maxStepNs = maxStepNs;
        this.lastReadingNs = readingNs;
    }

    void observe(long readingNs) {
        final long step = readingNs - lastReadingNs;
        if (step > 0) {
            elapsedNs += Math.min(step, maxStepNs);
        }
        lastReadingNs = readingNs;
    }

    long nowNs() {
        return elapsedNs;
    }
}
