package io.skiff.core.runtime;

import io.skiff.Registration;
import io.skiff.SkiffEvent;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Typed event listeners of one node; a failing listener is reported and never stops the others. The report goes to
 * {@link System.Logger} (a library does not own the process's standard error), which the application routes where
 * its other logs go.
 */
public final class Listeners {
    private final CopyOnWriteArrayList<Subscription<?>> subscriptions = new CopyOnWriteArrayList<>();
    private final System.Logger logger;

    public Listeners() {
        this(System.getLogger(Listeners.class.getName()));
    }

    Listeners(System.Logger logger) {
        this.logger = logger;
    }

    public <E extends SkiffEvent> Registration add(Class<E> type, Consumer<? super E> listener) {
        final Subscription<E> subscription = new Subscription<>(type, listener);
        subscriptions.add(subscription);
        return () -> subscriptions.remove(subscription);
    }

    /** Delivers one event to every matching listener, on the caller's thread. */
    public void deliver(SkiffEvent event) {
        for (Subscription<?> subscription : subscriptions) {
            try {
                subscription.accept(event);
            } catch (RuntimeException e) {
                logger.log(System.Logger.Level.WARNING, () -> "listener for " + subscription.type.getSimpleName()
                    + " failed on " + event, e);
            }
        }
    }

    private static final class Subscription<E extends SkiffEvent> {
        private final Class<E> type;
        private final Consumer<? super E> listener;

        Subscription(Class<E> type, Consumer<? super E> listener) {
            this.type = type;
            this.listener = listener;
        }

        void accept(SkiffEvent event) {
            if (type.isInstance(event)) {
                listener.accept(type.cast(event));
            }
        }
    }
}
