package io.skiff.core.runtime;

import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;

import java.nio.ByteBuffer;

/**
 * Presents a region of an Agrona buffer as a {@link ByteBuffer} for SPI calls, reusing one view while the backing
 * array stays the same so that the common case allocates nothing.
 */
final class ByteBufferView {
    private byte[] array;
    private ByteBuffer view;

    ByteBuffer wrap(DirectBuffer buffer, int offset, int length) {
        final byte[] backing = buffer.byteArray();
        if (null != backing) {
            if (backing != array) {
                array = backing;
                view = ByteBuffer.wrap(backing);
            }
            final int start = (int)(buffer.addressOffset() - BufferUtil.ARRAY_BASE_OFFSET) + offset;
            view.limit(view.capacity()).position(start).limit(start + length);
            return view;
        }
        final ByteBuffer direct = buffer.byteBuffer().duplicate();
        final int start = buffer.wrapAdjustment() + offset;
        direct.limit(direct.capacity()).position(start).limit(start + length);
        return direct;
    }
}
