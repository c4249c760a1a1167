package io.skiff.testkit.check;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One request a client sends to a key-value store, as the {@link LinearizabilityChecker} models it: a map from
 * string keys to string values in which {@code null} means "absent".
 *
 * <ul>
 *   <li>{@link #get(String)} returns the value, or {@code null} when the key is absent;</li>
 *   <li>{@link #put(String, String)} sets a value and {@link #del(String)} removes it;</li>
 *   <li>{@link #cas(String, String, String)} sets {@code newValue} only if the current value equals
 *       {@code expected} ({@code null} expects the key absent, a {@code null} new value deletes it) and reports
 *       whether it did;</li>
 *   <li>{@link #batch(Operation...)} applies puts and deletes over several keys atomically, in order.</li>
 * </ul>
 *
 * Immutable. Write values a test can tell apart (a client id and a counter, for example): a read that returns a
 * value written by only one operation pins that operation, which keeps the check fast and its failures clear.
 */
public final class Operation {
    /** What an operation does. */
    public enum Kind {
        /** Read one key. */
        GET,
        /** Set one key. */
        PUT,
        /** Remove one key. */
        DEL,
        /** Compare-and-set one key. */
        CAS,
        /** Atomic puts and deletes over several keys. */
        BATCH
    }

    private final Kind kind;
    private final String key;
    private final String value;
    private final String expected;
    private final List<Operation> writes;

    private Operation(Kind kind, String key, String value, String expected, List<Operation> writes) {
        this.kind = kind;
        this.key = key;
        this.value = value;
        this.expected = expected;
        this.writes = writes;
    }

    /**
     * @param key the key to read.
     * @return a read of {@code key}; complete it with {@link Outcome#ok(String)}.
     * @throws NullPointerException if {@code key} is null.
     */
    public static Operation get(String key) {
        return new Operation(Kind.GET, requireKey(key), null, null, List.of());
    }

    /**
     * @param key   the key to set.
     * @param value the value; use {@link #del(String)} to remove a key.
     * @return a write of {@code value} to {@code key}; complete it with {@link Outcome#ok()}.
     * @throws NullPointerException if {@code key} or {@code value} is null.
     */
    public static Operation put(String key, String value) {
        return new Operation(Kind.PUT, requireKey(key), Objects.requireNonNull(value, "value"), null, List.of());
    }

    /**
     * @param key the key to remove.
     * @return a delete of {@code key}; complete it with {@link Outcome#ok()}.
     * @throws NullPointerException if {@code key} is null.
     */
    public static Operation del(String key) {
        return new Operation(Kind.DEL, requireKey(key), null, null, List.of());
    }

    /**
     * @param key      the key to compare and set.
     * @param expected the value the key must hold for the write to happen, {@code null} for "absent".
     * @param newValue the value to set, {@code null} to delete the key.
     * @return a compare-and-set; complete it with {@link Outcome#ok(boolean)}, {@code true} if it wrote.
     * @throws NullPointerException if {@code key} is null.
     */
    public static Operation cas(String key, String expected, String newValue) {
        return new Operation(Kind.CAS, requireKey(key), newValue, expected, List.of());
    }

    /**
     * @param writes puts and deletes, applied atomically in this order (a later write to a key wins).
     * @return an atomic batch; complete it with {@link Outcome#ok()}.
     * @throws IllegalArgumentException if {@code writes} is empty or holds something other than a put or delete.
     */
    public static Operation batch(Operation... writes) {
        return batch(Arrays.asList(writes));
    }

    /**
     * @param writes puts and deletes, applied atomically in this order (a later write to a key wins).
     * @return an atomic batch; complete it with {@link Outcome#ok()}.
     * @throws IllegalArgumentException if {@code writes} is empty or holds something other than a put or delete.
     */
    public static Operation batch(List<Operation> writes) {
        if (writes.isEmpty()) {
            throw new IllegalArgumentException("a batch needs at least one put or del, got none");
        }
        final List<Operation> copy = new ArrayList<>(writes.size());
        for (final Operation write : writes) {
            if (Kind.PUT != write.kind && Kind.DEL != write.kind) {
                throw new IllegalArgumentException("a batch holds puts and dels only, got " + write);
            }
            copy.add(write);
        }
        return new Operation(Kind.BATCH, null, null, null, List.copyOf(copy));
    }

    /** @return what this operation does. */
    public Kind kind() {
        return kind;
    }

    /** @return the key of a single-key operation, {@code null} for a batch (see {@link #writes()}). */
    public String key() {
        return key;
    }

    /** @return the value a put writes or a cas sets ({@code null}: the cas deletes), {@code null} otherwise. */
    public String value() {
        return value;
    }

    /** @return the value a cas expects ({@code null}: absent); {@code null} for other kinds. */
    public String expected() {
        return expected;
    }

    /** @return the puts and deletes of a batch in order, empty for other kinds. */
    public List<Operation> writes() {
        return writes;
    }

    @Override
    public String toString() {
        switch (kind) {
            case GET:
                return "get(" + key + ")";
            case PUT:
                return "put(" + key + ", " + value + ")";
            case DEL:
                return "del(" + key + ")";
            case CAS:
                return "cas(" + key + ", " + expected + " -> " + value + ")";
            default:
                final StringBuilder text = new StringBuilder("batch[");
                for (int i = 0; i < writes.size(); i++) {
                    text.append(0 == i ? "" : ", ").append(writes.get(i));
                }
                return text.append(']').toString();
        }
    }

    private static String requireKey(String key) {
        return Objects.requireNonNull(key, "key");
    }
}
