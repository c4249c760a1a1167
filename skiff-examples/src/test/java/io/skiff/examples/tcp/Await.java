package io.skiff.examples.tcp;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Deadline-bound waits for real-time cluster tests: a hang fails with what was awaited instead of stalling. */
final class Await {
    static final Duration TIMEOUT = Duration.ofSeconds(15);
    private static final long POLL_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(5);

    private Await() {
    }

    static void until(String what, BooleanSupplier condition) {
        value(what, condition::getAsBoolean, Boolean::booleanValue);
    }

    static <T> T value(String what, Supplier<T> probe, Predicate<? super T> accept) {
        final long deadlineNs = System.nanoTime() + TIMEOUT.toNanos();
        T value = probe.get();
        while (!accept.test(value)) {
            if (System.nanoTime() - deadlineNs > 0) {
                throw new AssertionError("timed out after " + TIMEOUT.toSeconds() + " s waiting for " + what
                    + "; last seen: " + value);
            }
            LockSupport.parkNanos(POLL_INTERVAL_NS);
            value = probe.get();
        }
        return value;
    }

    static <T> T result(CompletableFuture<T> future) {
        try {
            return future.get(TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("expected the operation to succeed, but it failed with " + e.getCause(),
                e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("the operation did not complete within " + TIMEOUT.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
