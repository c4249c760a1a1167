package io.skiff.core.storage;

import java.nio.ByteBuffer;

/**
 * One buffer, reused, that stored byte arrays are copied into before a handler sees them: reading allocates
 * nothing per entry or record once the buffer has grown to the largest, and a handler cannot change stored data.
 */
final class ReadBuffer {
    private static final int INITIAL_CAPACITY = 4096;

    private ByteBuffer buffer = ByteBuffer.allocate(INITIAL_CAPACITY);

    /**
     * @param bytes what to present.
     * @return the shared buffer holding a copy of {@code bytes} between position and limit, valid until the next
     *         call.
     */
    ByteBuffer copyOf(byte[] bytes) {
        if (bytes.length > buffer.capacity()) {
            buffer = ByteBuffer.allocate(Math.max(bytes.length, buffer.capacity() * 2));
        }
        buffer.clear();
        buffer.put(0, bytes);
        buffer.limit(bytes.length);
        return buffer;
    }
}
