package io.skiff.core.codec;

import org.agrona.DirectBuffer;

/** Builds {@link EntryBatch} views for tests that feed entries to the log without going through a frame. */
public final class EntryBatches {
    private EntryBatches() {
    }

    public static EntryBatch wrap(DirectBuffer buffer, int offset, int length, int count, long firstIndex) {
        final EntryBatch batch = new EntryBatch();
        batch.wrap(buffer, offset, length, count, firstIndex);
        return batch;
    }
}
