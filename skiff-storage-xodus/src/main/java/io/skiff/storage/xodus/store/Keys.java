package io.skiff.storage.xodus.store;

import jetbrains.exodus.ArrayByteIterable;
import jetbrains.exodus.ByteIterable;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Keys of the log and snapshot stores: a non-negative long as 8 big-endian bytes, so that Xodus's unsigned
 * byte-wise key order is numeric order and a cursor walks entries by index.
 */
final class Keys {
    static final int KEY_BYTES = Long.BYTES;
    static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    private Keys() {
    }

    /**
     * @param value a non-negative index or record number.
     * @return a new key; Xodus keeps keys it is given to put, so a key is never reused.
     */
    static ArrayByteIterable of(long value) {
        final byte[] bytes = new byte[KEY_BYTES];
        LONG.set(bytes, 0, value);
        return new ArrayByteIterable(bytes);
    }

    /**
     * @param key a stored key.
     * @return its value, or -1 when it is not 8 bytes long (no valid key decodes to a negative number).
     */
    static long decode(ByteIterable key) {
        if (key.getLength() != KEY_BYTES) {
            return -1;
        }
        return (long)LONG.get(key.getBytesUnsafe(), 0);
    }
}
