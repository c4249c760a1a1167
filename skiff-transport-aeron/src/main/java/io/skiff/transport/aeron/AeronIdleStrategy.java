package io.skiff.transport.aeron;

import io.skiff.InvalidOptionsException;

import java.util.Locale;

/**
 * How the embedded media driver's thread waits when it has no work.
 *
 * <p>On machines with few cores a spinning thread takes the core the node loops need: measured on 2 cores, busy
 * spinning made round trips 18-100x slower than backing off. {@link #BACKOFF} is the default for that reason.
 */
public enum AeronIdleStrategy {
    /** Spin briefly, then yield, then park from 1 µs up to 1 ms: low latency under load, little CPU when idle. */
    BACKOFF("backoff"),
    /** Park 1 ms whenever idle: the least CPU, at up to a millisecond of added latency per hop. */
    SLEEP("sleep"),
    /** Yield the core whenever idle: lower latency than backing off, but keeps a core busy. */
    YIELD("yield"),
    /** Never wait: the lowest latency given a spare core per spinning thread, and the worst without one. */
    BUSY_SPIN("busy-spin");

    private final String optionName;

    AeronIdleStrategy(String optionName) {
        this.optionName = optionName;
    }

    /** @return the name this strategy is selected by, e.g. {@code backoff}. */
    public String optionName() {
        return optionName;
    }

    /**
     * Finds a strategy by its option name.
     *
     * @param name {@code backoff}, {@code sleep}, {@code yield} or {@code busy-spin} (case-insensitive).
     * @return the strategy.
     * @throws InvalidOptionsException naming the value and the accepted names.
     */
    public static AeronIdleStrategy fromName(String name) {
        if (null != name) {
            final String wanted = name.trim().toLowerCase(Locale.ROOT);
            for (AeronIdleStrategy strategy : values()) {
                if (strategy.optionName.equals(wanted)) {
                    return strategy;
                }
            }
        }
        throw new InvalidOptionsException("idleStrategy '" + name + "' is unknown: expected one of backoff, sleep, "
            + "yield, busy-spin");
    }
}
