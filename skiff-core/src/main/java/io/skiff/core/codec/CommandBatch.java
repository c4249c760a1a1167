package io.skiff.core.codec;

import org.agrona.DirectBuffer;

import static io.skiff.core.codec.FrameHeader.BYTE_ORDER;

/** A view of the validated commands of a ClientRequest frame, walked with a cursor; reused between frames. */
public final class CommandBatch {
    private DirectBuffer buffer;
    private int offset;
    private int count;
    private int cursor;
    private int cursorOffset;

    void wrap(DirectBuffer buffer, int offset, int count) {
        this.buffer = buffer;
        this.offset = offset;
        this.count = count;
        rewind();
    }

    public DirectBuffer buffer() {
        return buffer;
    }

    public int count() {
        return count;
    }

    public void rewind() {
        cursor = 0;
        cursorOffset = offset;
    }

    public boolean hasCommand() {
        return cursor < count;
    }

    /** @return the offset of the payload (a {@link ClientCommand}) under the cursor. */
    public int payloadOffset() {
        return cursorOffset + 4;
    }

    public int payloadLength() {
        return buffer.getInt(cursorOffset, BYTE_ORDER);
    }

    public void next() {
        cursorOffset += 4 + payloadLength();
        cursor++;
    }
}
