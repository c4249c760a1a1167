package io.skiff.core.codec;

import org.agrona.DirectBuffer;

/**
 * A view of validated, contiguous log entries inside a frame: entry {@code i} has index {@code firstIndex() + i}.
 * Reused from frame to frame; valid only while the frame is being handled.
 */
public final class EntryBatch {
    private DirectBuffer buffer;
    private int offset;
    private int length;
    private int count;
    private long firstIndex;
    private int cursorOffset;
    private int cursor;

    void wrap(DirectBuffer buffer, int offset, int length, int count, long firstIndex) {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        this.count = count;
        this.firstIndex = firstIndex;
        rewind();
    }

    public DirectBuffer buffer() {
        return buffer;
    }

    /** @return the offset of the first entry. */
    public int offset() {
        return offset;
    }

    /** @return the bytes of all entries. */
    public int length() {
        return length;
    }

    public int count() {
        return count;
    }

    public long firstIndex() {
        return firstIndex;
    }

    /** @return the index of the last entry, or {@code firstIndex() - 1} when empty. */
    public long lastIndex() {
        return firstIndex + count - 1;
    }

    /** Moves the cursor back to the first entry. */
    public void rewind() {
        cursor = 0;
        cursorOffset = offset;
    }

    /** @return whether the cursor is on an entry. */
    public boolean hasEntry() {
        return cursor < count;
    }

    /** @return the offset of the entry under the cursor. */
    public int entryOffset() {
        return cursorOffset;
    }

    /** @return the length of the entry under the cursor. */
    public int entryLength() {
        return LogEntry.HEADER_LENGTH + LogEntry.payloadLength(buffer, cursorOffset);
    }

    public long entryIndex() {
        return firstIndex + cursor;
    }

    public long entryTerm() {
        return LogEntry.term(buffer, cursorOffset);
    }

    /** Moves the cursor to the next entry. */
    public void next() {
        cursorOffset += entryLength();
        cursor++;
    }
}
