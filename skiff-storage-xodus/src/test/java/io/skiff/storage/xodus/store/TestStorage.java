package io.skiff.storage.xodus.store;

import io.skiff.NodeAddress;
import io.skiff.spi.LogStore;
import io.skiff.storage.xodus.Durability;
import io.skiff.storage.xodus.XodusStorageOptions;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Helpers shared by the tests: opening storage, building entries, collecting what a read hands out. */
final class TestStorage {
    static final NodeAddress NODE = NodeAddress.parse("/mem/node-1");
    static final XodusStorageOptions FSYNC = XodusStorageOptions.defaults();
    static final XodusStorageOptions NO_SYNC = XodusStorageOptions.builder().durability(Durability.NO_SYNC).build();

    private TestStorage() {
    }

    static XodusStorage open(Path directory) {
        return XodusStorage.open(directory, NODE, FSYNC);
    }

    /** @param logSegmentShift log2 of the entries per log segment. */
    static XodusStorage open(Path directory, int logSegmentShift) {
        return XodusStorage.open(directory, NODE, FSYNC, logSegmentShift);
    }

    /** @return 100 bytes that identify {@code index}. */
    static ByteBuffer entry(long index) {
        return entry(index, 100);
    }

    static ByteBuffer entry(long index, int length) {
        final ByteBuffer buffer = ByteBuffer.allocate(length);
        for (int i = 0; i < length; i++) {
            buffer.put(i, (byte)(index * 31 + i));
        }
        return buffer;
    }

    static void appendRange(LogStore log, long from, long to, long term) {
        for (long i = from; i <= to; i++) {
            log.append(i, term, entry(i));
        }
    }

    static List<Entry> readAll(LogStore log, long from, long to, int maxBytes) {
        final List<Entry> entries = new ArrayList<>();
        log.read(from, to, maxBytes, (index, term, entry) -> entries.add(new Entry(index, term, bytes(entry))));
        return entries;
    }

    /** @return the bytes between position and limit, leaving the buffer unchanged. */
    static byte[] bytes(ByteBuffer buffer) {
        final byte[] bytes = new byte[buffer.remaining()];
        buffer.get(buffer.position(), bytes);
        return bytes;
    }

    /** An entry as a read handed it out. */
    record Entry(long index, long term, byte[] bytes) {
    }
}
