package io.skiff.core.codec;

import org.agrona.DirectBuffer;

import static io.skiff.core.codec.FrameHeader.BYTE_ORDER;

/** A view of a validated InstallSnapshot chunk: metadata, configuration and records; reused between frames. */
public final class SnapshotChunk {
    private DirectBuffer buffer;
    private long snapshotIndex;
    private long snapshotTerm;
    private long recordOffset;
    private boolean last;
    private int configOffset;
    private int configLength;
    private int recordsOffset;
    private int recordCount;
    private int cursor;
    private int cursorOffset;

    void wrap(DirectBuffer buffer, long snapshotIndex, long snapshotTerm, long recordOffset, boolean last,
        int configOffset, int configLength, int recordsOffset, int recordCount) {
        this.buffer = buffer;
        this.snapshotIndex = snapshotIndex;
        this.snapshotTerm = snapshotTerm;
        this.recordOffset = recordOffset;
        this.last = last;
        this.configOffset = configOffset;
        this.configLength = configLength;
        this.recordsOffset = recordsOffset;
        this.recordCount = recordCount;
        rewind();
    }

    public DirectBuffer buffer() {
        return buffer;
    }

    public long snapshotIndex() {
        return snapshotIndex;
    }

    public long snapshotTerm() {
        return snapshotTerm;
    }

    /** @return the position of this chunk's first record in the snapshot. */
    public long recordOffset() {
        return recordOffset;
    }

    /** @return whether this chunk ends the snapshot. */
    public boolean last() {
        return last;
    }

    public int configOffset() {
        return configOffset;
    }

    public int configLength() {
        return configLength;
    }

    public int recordCount() {
        return recordCount;
    }

    public void rewind() {
        cursor = 0;
        cursorOffset = recordsOffset;
    }

    public boolean hasRecord() {
        return cursor < recordCount;
    }

    public int recordOffsetInBuffer() {
        return cursorOffset + 4;
    }

    public int recordLength() {
        return buffer.getInt(cursorOffset, BYTE_ORDER);
    }

    public void next() {
        cursorOffset += 4 + recordLength();
        cursor++;
    }
}
