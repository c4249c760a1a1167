package io.skiff.testkit.sim;

import java.util.PriorityQueue;

/**
 * The simulation's event queue, ordered by virtual time and then by the order events were scheduled, so that
 * events at the same time run in a deterministic order.
 */
final class Scheduler {
    private record Event(long timeNs, long sequence, Runnable action) implements Comparable<Event> {
        @Override
        public int compareTo(Event other) {
            final int byTime = Long.compare(timeNs, other.timeNs);
            return byTime != 0 ? byTime : Long.compare(sequence, other.sequence);
        }
    }

    private final VirtualClock clock;
    private final PriorityQueue<Event> events = new PriorityQueue<>();
    private long sequence;
    private long executed;

    Scheduler(VirtualClock clock) {
        this.clock = clock;
    }

    long now() {
        return clock.nanoTime();
    }

    void at(long timeNs, Runnable action) {
        events.add(new Event(Math.max(timeNs, clock.nanoTime()), sequence++, action));
    }

    void after(long delayNs, Runnable action) {
        at(clock.nanoTime() + delayNs, action);
    }

    /**
     * Runs the next event if it is due by {@code untilNs}.
     *
     * @return whether an event ran.
     */
    boolean runNext(long untilNs) {
        final Event next = events.peek();
        if (null == next || next.timeNs() > untilNs) {
            return false;
        }
        events.poll();
        clock.advanceTo(next.timeNs());
        executed++;
        next.action().run();
        return true;
    }

    /** Moves time to {@code timeNs} once no event is due before it. */
    void advanceTo(long timeNs) {
        clock.advanceTo(timeNs);
    }

    long executed() {
        return executed;
    }
}
