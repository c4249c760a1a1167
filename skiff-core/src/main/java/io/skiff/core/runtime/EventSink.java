package io.skiff.core.runtime;

import io.skiff.SkiffEvent;

/**
 * Where the loop hands finished operations and events, so that futures complete and listeners run off the Raft
 * loop. The threaded implementation is {@link EventDispatcher}; a simulation runs them in place.
 */
public interface EventSink {
    /** Runs a completion (an {@link Operation}); must not be dropped. */
    void complete(Runnable completion);

    /** Publishes an event to listeners; may be dropped (and counted) under overload. */
    void publish(SkiffEvent event);
}
