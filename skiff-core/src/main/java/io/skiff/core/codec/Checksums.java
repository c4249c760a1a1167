package io.skiff.core.codec;

import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * CRC32C over regions of Agrona buffers, reusing one {@link CRC32C}; one instance per thread.
 */
public final class Checksums {
    private final CRC32C crc = new CRC32C();

    /**
     * Starts a checksum.
     *
     * @return this.
     */
    public Checksums reset() {
        crc.reset();
        return this;
    }

    /**
     * Adds a region.
     *
     * @return this.
     */
    public Checksums update(DirectBuffer buffer, int offset, int length) {
        final byte[] array = buffer.byteArray();
        if (null != array) {
            crc.update(array, (int)(buffer.addressOffset() - BufferUtil.ARRAY_BASE_OFFSET) + offset, length);
        } else {
            final ByteBuffer byteBuffer = buffer.byteBuffer();
            final int start = buffer.wrapAdjustment() + offset;
            final int position = byteBuffer.position();
            final int limit = byteBuffer.limit();
            byteBuffer.limit(byteBuffer.capacity()).position(start).limit(start + length);
            crc.update(byteBuffer);
            byteBuffer.limit(limit).position(position);
        }
        return this;
    }

    /** @return the checksum of everything added since {@link #reset()}. */
    public int value() {
        return (int)crc.getValue();
    }
}
