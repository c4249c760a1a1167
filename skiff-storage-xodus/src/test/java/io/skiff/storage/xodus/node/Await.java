package io.skiff.storage.xodus.node;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Deadline-bound waits for the node tests: poll a condition, or await a future's value or failure. */
final class Await {
    static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final long POLL_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(2);

    private Await() {
    }

    static void until(String what, BooleanSupplier condition) {
        final long deadlineNs = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadlineNs > 0) {
                throw new AssertionError("timed out after " + TIMEOUT.toSeconds() + " s waiting until " + what);
            }
            LockSupport.parkNanos(POLL_INTERVAL_NS);
        }
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
            throw new AssertionError("interrupted while waiting for an operation", e);
        }
    }

    /** @return the failure of the future, unwrapped from {@link ExecutionException} and {@link CompletionException}. */
    static Throwable failure(CompletableFuture<?> future) {
        try {
            final Object value = future.get(TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
            throw new AssertionError("expected the operation to fail, but it succeeded with " + value);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            while (cause instanceof CompletionException && null != cause.getCause()) {
                cause = cause.getCause();
            }
            return cause;
        } catch (TimeoutException e) {
            throw new AssertionError("the operation did not complete within " + TIMEOUT.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for an operation", e);
        }
    }
}
