package io.skiff.cli;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Deadline-bound waits: a condition is polled until it holds, so a test never sleeps for a guessed time, and a hang
 * fails with what was awaited and the last value seen.
 */
public final class Await {
    /** Generous, because child JVMs start on a busy two-core machine; a passing test never waits for it. */
    public static final Duration TIMEOUT = Duration.ofSeconds(45);
    private static final long POLL_NS = TimeUnit.MILLISECONDS.toNanos(20);

    private Await() {
    }

    /**
     * @param what   the awaited value in words.
     * @param probe  reads the current value; an exception counts as "not yet".
     * @param accept whether a value is the one awaited.
     * @param <T>    the value's type.
     * @return the first accepted value.
     */
    public static <T> T value(String what, Supplier<T> probe, Predicate<? super T> accept) {
        final long deadlineNs = System.nanoTime() + TIMEOUT.toNanos();
        Object last = null;
        while (System.nanoTime() - deadlineNs < 0) {
            try {
                final T value = probe.get();
                if (accept.test(value)) {
                    return value;
                }
                last = value;
            } catch (RuntimeException e) {
                last = e;
            }
            LockSupport.parkNanos(POLL_NS);
        }
        throw new AssertionError("timed out after " + TIMEOUT.toSeconds() + " s waiting for " + what + "; last seen: "
            + last);
    }
}
