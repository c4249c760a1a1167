package io.skiff.transport.aeron.cluster;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polls a condition until it holds or a deadline passes; what tests use instead of sleeping. */
final class Await {
    /** Long enough for any step of these tests on a loaded 2-core machine; failures name what was awaited. */
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);
    private static final long POLL_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(1);

    private Await() {
    }

    static void until(String what, BooleanSupplier condition) {
        until(what, DEFAULT_TIMEOUT, condition);
    }

    static void until(String what, Duration timeout, BooleanSupplier condition) {
        value(what, timeout, () -> condition.getAsBoolean() ? Boolean.TRUE : null);
    }

    /**
     * @param what     what is awaited, for the failure message.
     * @param timeout  how long to wait.
     * @param supplier answers {@code null} until the value is there.
     * @param <T>      the value's type.
     * @return the first value that is not {@code null}.
     * @throws AssertionError naming {@code what} when the timeout passes first.
     */
    static <T> T value(String what, Duration timeout, Supplier<T> supplier) {
        final long deadlineNs = System.nanoTime() + timeout.toNanos();
        while (true) {
            final T value = supplier.get();
            if (null != value) {
                return value;
            }
            if (System.nanoTime() - deadlineNs > 0) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting until " + what);
            }
            LockSupport.parkNanos(POLL_INTERVAL_NS);
        }
    }

    static <T> T value(String what, Supplier<T> supplier) {
        return value(what, DEFAULT_TIMEOUT, supplier);
    }
}
