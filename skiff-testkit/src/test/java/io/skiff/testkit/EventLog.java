package io.skiff.testkit;

import io.skiff.SkiffEvent;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Every event one address reported, in delivery order, across restarts of the node at that address. Listeners run
 * on the node's event thread while the test reads from its own, hence the lock.
 */
final class EventLog {
    private final List<SkiffEvent> events = new ArrayList<>();

    synchronized void record(SkiffEvent event) {
        events.add(event);
    }

    /** @return a copy of every event so far. */
    synchronized List<SkiffEvent> all() {
        return List.copyOf(events);
    }

    /**
     * @param type the event type.
     * @param <E>  the event type.
     * @return a copy of the events of that type so far, in order.
     */
    synchronized <E extends SkiffEvent> List<E> of(Class<E> type) {
        final List<E> matching = new ArrayList<>();
        for (SkiffEvent event : events) {
            if (type.isInstance(event)) {
                matching.add(type.cast(event));
            }
        }
        return matching;
    }

    /**
     * @param type   the event type.
     * @param filter which events of that type count.
     * @param <E>    the event type.
     * @return how many such events were recorded so far.
     */
    <E extends SkiffEvent> long count(Class<E> type, Predicate<? super E> filter) {
        return of(type).stream().filter(filter).count();
    }

    @Override
    public synchronized String toString() {
        return events.toString();
    }
}
