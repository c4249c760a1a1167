package io.skiff;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * An atomic group of puts and deletes: the cluster applies all of them at one log index, or none.
 *
 * <p>Build one with {@link #put}/{@link #del} and pass it to {@link LevelUp#batch(Batch)}. Operations apply in the
 * order they were added, so a later put of the same key wins.
 */
public final class Batch {
    /**
     * One operation of a batch.
     *
     * @param key   the key.
     * @param value the value of a put; {@code null} for a delete.
     */
    public record Operation(byte[] key, byte[] value) {
        /** @return whether this operation deletes its key. */
        public boolean isDelete() {
            return null == value;
        }
    }

    private final List<Operation> operations = new ArrayList<>();

    /** @return a new, empty batch. */
    public static Batch create() {
        return new Batch();
    }

    public Batch put(byte[] key, byte[] value) {
        operations.add(new Operation(requireKey(key), Objects.requireNonNull(value, "value").clone()));
        return this;
    }

    public Batch put(String key, String value) {
        return put(utf8(key, "key"), utf8(value, "value"));
    }

    public Batch del(byte[] key) {
        operations.add(new Operation(requireKey(key), null));
        return this;
    }

    public Batch del(String key) {
        return del(utf8(key, "key"));
    }

    /** @return the operations, in order. */
    public List<Operation> operations() {
        return Collections.unmodifiableList(operations);
    }

    /** @return the number of operations. */
    public int size() {
        return operations.size();
    }

    static byte[] utf8(String text, String what) {
        return Objects.requireNonNull(text, what).getBytes(StandardCharsets.UTF_8);
    }

    static byte[] requireKey(byte[] key) {
        if (null == key || key.length == 0) {
            throw new IllegalArgumentException("a key must be at least one byte long");
        }
        return key.clone();
    }
}
