package io.skiff.testkit.sim;

import org.agrona.concurrent.NanoClock;

/** The simulation's time, in nanoseconds; it moves only when the scheduler runs the next event. */
public final class VirtualClock implements NanoClock {
    private long nowNs;

    VirtualClock(long startNs) {
        this.nowNs = startNs;
    }

    @Override
    public long nanoTime() {
        return nowNs;
    }

    void advanceTo(long timeNs) {
        if (timeNs > nowNs) {
            nowNs = timeNs;
        }
    }
}
