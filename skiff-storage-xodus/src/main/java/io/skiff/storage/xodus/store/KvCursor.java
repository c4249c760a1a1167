package io.skiff.storage.xodus.store;

import jetbrains.exodus.ArrayByteIterable;
import jetbrains.exodus.ByteIterable;
import jetbrains.exodus.env.Cursor;
import jetbrains.exodus.env.Store;
import jetbrains.exodus.env.Transaction;
import jetbrains.exodus.util.ByteIterableUtil;

import java.util.Arrays;

/**
 * Walks one store of the key-value store in one direction, one verified entry at a time, and keeps walking when
 * its transaction ends under it.
 *
 * <p>Why the last: a scan reads through the shared write transaction when one is open (so that it sees staged
 * entries), and what its visitor does may commit that transaction; a node taking a snapshot appends every entry it
 * visits to the snapshot, whose writer commits every few MiB. When the transaction has ended, the next step opens a
 * cursor in the current one and seeks past the key it stood on. Nothing changes the store's entries between the two
 * (the node's loop is the only writer, and it is busy visiting), so the walk sees one consistent state.
 */
final class KvCursor implements AutoCloseable {
    /** Checks a stored value found under a key and returns its payload, a new array. */
    @FunctionalInterface
    interface Decoder {
        byte[] decode(byte[] key, ByteIterable stored);
    }

    private final GroupCommit group;
    private final Store store;
    private final boolean reverse;
    private final Decoder decoder;
    private Transaction txn;
    private Cursor cursor;
    private byte[] key;
    private byte[] value;

    /**
     * Positions the cursor on the first entry from {@code start} in the walk's direction.
     *
     * @param start     the lowest key to visit (the highest when {@code reverse}), or {@code null} for the first.
     * @param inclusive whether an entry at {@code start} itself is visited.
     */
    KvCursor(GroupCommit group, Store store, boolean reverse, Decoder decoder, byte[] start, boolean inclusive) {
        this.group = group;
        this.store = store;
        this.reverse = reverse;
        this.decoder = decoder;
        seek(start, inclusive);
    }

    /** @return the key of the current entry, or {@code null} when the walk is over. */
    byte[] key() {
        return key;
    }

    /** @return the verified value of the current entry. */
    byte[] value() {
        return value;
    }

    /** Moves to the next entry in the walk's direction. */
    void advance() {
        if (null == key) {
            return;
        }
        if (txn.isFinished()) {
            release();
            seek(key, false);
        } else {
            load(reverse ? cursor.getPrev() : cursor.getNext());
        }
    }

    @Override
    public void close() {
        if (null != txn) {
            release();
        }
    }

    private void seek(byte[] start, boolean inclusive) {
        txn = group.read();
        cursor = store.openCursor(txn);
        if (null == start) {
            load(reverse ? cursor.getLast() : cursor.getNext());
            return;
        }
        boolean found = null != cursor.getSearchKeyRange(new ArrayByteIterable(start));
        if (reverse) {
            // The search lands on the first key at or above start; a reverse walk starts at or below it.
            if (!found) {
                found = cursor.getLast();
            } else {
                final int c = compare(cursor.getKey(), start);
                if (c > 0 || (c == 0 && !inclusive)) {
                    found = cursor.getPrev();
                }
            }
        } else if (found && !inclusive && compare(cursor.getKey(), start) == 0) {
            found = cursor.getNext();
        }
        load(found);
    }

    private void load(boolean found) {
        if (!found) {
            key = null;
            value = null;
            return;
        }
        final ByteIterable stored = cursor.getKey();
        key = Arrays.copyOf(stored.getBytesUnsafe(), stored.getLength());
        value = decoder.decode(key, cursor.getValue());
    }

    private void release() {
        try {
            cursor.close();
        } finally {
            group.release(txn);
            txn = null;
        }
    }

    private static int compare(ByteIterable stored, byte[] key) {
        return ByteIterableUtil.compare(stored.getBytesUnsafe(), stored.getLength(), key, key.length);
    }
}
