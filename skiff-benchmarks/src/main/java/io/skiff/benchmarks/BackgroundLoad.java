package io.skiff.benchmarks;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Keeps a number of requests outstanding until stopped: each one is issued again from its completion callback
 * (on the node's event thread), so the load is a closed loop that follows the cluster's pace.
 */
final class BackgroundLoad {
    private static final long DRAIN_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(30);

    private final Supplier<CompletableFuture<?>> request;
    private final AtomicInteger outstanding = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean running = true;

    /**
     * Starts the load at once.
     *
     * @param requests how many requests to keep outstanding.
     * @param request  issues one request.
     */
    BackgroundLoad(int requests, Supplier<CompletableFuture<?>> request) {
        this.request = request;
        for (int i = 0; i < requests; i++) {
            outstanding.incrementAndGet();
            issue();
        }
    }

    private void issue() {
        request.get().whenComplete((result, error) -> {
            if (null != error) {
                failure.compareAndSet(null, error);
            }
            if (running && null == error) {
                issue();
            } else {
                outstanding.decrementAndGet();
            }
        });
    }

    /**
     * Stops issuing and waits for the requests outstanding.
     *
     * @throws IllegalStateException when a request failed, or they did not all complete within 30 s.
     */
    void stop() {
        running = false;
        final long deadline = System.nanoTime() + DRAIN_TIMEOUT_NS;
        while (outstanding.get() > 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("expected the background requests to complete within 30 s, actual "
                    + outstanding.get() + " still outstanding");
            }
            LockSupport.parkNanos(100_000);
        }
        if (null != failure.get()) {
            throw new IllegalStateException("a background request failed", failure.get());
        }
    }
}
