package io.skiff;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One entry returned by a range read. In a keys-only read {@link #value()} is {@code null}; in a values-only read
 * {@link #key()} is {@code null}.
 *
 * @param key   the key bytes, or {@code null} when keys were not asked for.
 * @param value the value bytes, or {@code null} when values were not asked for.
 */
public record KeyValue(byte[] key, byte[] value) {
    /** @return the key decoded as UTF-8, or {@code null}. */
    public String keyString() {
        return null == key ? null : new String(key, StandardCharsets.UTF_8);
    }

    /** @return the value decoded as UTF-8, or {@code null}. */
    public String valueString() {
        return null == value ? null : new String(value, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyValue other && Arrays.equals(key, other.key) && Arrays.equals(value, other.value);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(key) + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "KeyValue[" + keyString() + "=" + valueString() + "]";
    }
}
