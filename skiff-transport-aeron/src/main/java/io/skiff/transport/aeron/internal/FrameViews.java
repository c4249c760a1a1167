package io.skiff.transport.aeron.internal;

import org.agrona.DirectBuffer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Presents a received frame, which Aeron hands over as a region of a {@link DirectBuffer}, as a {@link ByteBuffer}
 * without copying it and without allocating per frame.
 *
 * <p>Aeron delivers a frame either in place in an image's term buffer or, when it came in fragments, in the
 * reassembly buffer of its sender's session. Both are backed by a {@link ByteBuffer}; this class keeps one
 * read-only view per backing buffer and moves its position and limit onto each frame. A view is valid only until
 * the next call, which is why frames may be read only during the handler's callback. Views are created when a new
 * backing buffer is first seen (a new image's terms, a new session's reassembly buffer) and dropped by
 * {@link #clear()} when images go away.
 */
final class FrameViews {
    private final Map<Object, ByteBuffer> viewBySource = new IdentityHashMap<>();
    private final int maxFrameLength;
    private ByteBuffer scratch;
    private Object lastSource;
    private ByteBuffer lastView;

    /** @param maxFrameLength the longest frame, to size the copy used for buffers with no backing ByteBuffer. */
    FrameViews(int maxFrameLength) {
        this.maxFrameLength = maxFrameLength;
    }

    /**
     * @param buffer the buffer holding the frame.
     * @param offset where the frame starts in {@code buffer}.
     * @param length the frame's length.
     * @return a read-only, big-endian view whose position and limit bound the frame.
     */
    ByteBuffer view(DirectBuffer buffer, int offset, int length) {
        final byte[] array = buffer.byteArray();
        final Object source = null != array ? array : buffer.byteBuffer();
        if (null == source) {
            // Wraps raw memory, which Aeron does not do for images; copy rather than fail.
            if (null == scratch) {
                scratch = ByteBuffer.allocateDirect(maxFrameLength);
            }
            scratch.clear();
            buffer.getBytes(offset, scratch, 0, length);
            return scratch.limit(length);
        }
        final ByteBuffer view;
        if (source == lastSource) {
            view = lastView;
        } else {
            view = viewBySource.computeIfAbsent(source, FrameViews::newView);
            lastSource = source;
            lastView = view;
        }
        // For an array, wrapAdjustment is the offset in the array; for a ByteBuffer, the index in it.
        final int start = buffer.wrapAdjustment() + offset;
        view.clear().position(start).limit(start + length);
        return view;
    }

    /** Forgets every view, so that buffers of images that went away can be reclaimed. */
    void clear() {
        viewBySource.clear();
        lastSource = null;
        lastView = null;
    }

    private static ByteBuffer newView(Object source) {
        final ByteBuffer backing = source instanceof byte[] ? ByteBuffer.wrap((byte[])source) : (ByteBuffer)source;
        return backing.asReadOnlyBuffer().order(ByteOrder.BIG_ENDIAN);
    }
}
