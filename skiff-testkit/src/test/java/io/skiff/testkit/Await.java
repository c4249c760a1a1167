package io.skiff.testkit;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waiting in real-time cluster tests: conditions are polled until a deadline and futures are awaited with one, so a
 * test never sleeps for a guessed time and a hang fails with what was awaited instead of stalling the build.
 */
final class Await {
    /** How long any condition or future may take; generous, because a passing test never waits for it. */
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final long POLL_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(2);

    private Await() {
    }

    /**
     * Polls until the condition holds.
     *
     * @param what      the condition in words, for the failure message.
     * @param condition the condition.
     * @throws AssertionError when it does not hold within {@link #TIMEOUT}.
     */
    static void until(String what, BooleanSupplier condition) {
        final long deadlineNs = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadlineNs > 0) {
                throw new AssertionError("timed out after " + TIMEOUT.toSeconds() + " s waiting until " + what);
            }
            LockSupport.parkNanos(POLL_INTERVAL_NS);
        }
    }

    /**
     * Polls a value until it is accepted.
     *
     * @param what   the awaited value in words.
     * @param probe  reads the current value.
     * @param accept whether a value is the one awaited.
     * @param <T>    the value type.
     * @return the first accepted value.
     * @throws AssertionError naming the last value seen when none is accepted within {@link #TIMEOUT}.
     */
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

    /**
     * Waits for a future's value.
     *
     * @param future the future.
     * @param <T>    its type.
     * @return its value.
     * @throws AssertionError when it fails (with the failure as cause) or does not complete within {@link #TIMEOUT}.
     */
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

    /**
     * Waits for a future to fail.
     *
     * @param future the future.
     * @return the failure, unwrapped from {@link ExecutionException} and {@link CompletionException}.
     * @throws AssertionError when it succeeds or does not complete within {@link #TIMEOUT}.
     */
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
