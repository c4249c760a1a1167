package io.skiff.storage.xodus.store;

import io.skiff.StorageException;
import jetbrains.exodus.env.Cursor;
import jetbrains.exodus.env.Environment;
import jetbrains.exodus.env.Store;
import jetbrains.exodus.env.StoreConfig;
import jetbrains.exodus.env.Transaction;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The Xodus stores that hold the Raft log, one per segment of {@code 2^shift} consecutive indexes: store
 * {@code skiff.log.<n>} holds indexes {@code n << shift} to {@code ((n + 1) << shift) - 1}, so that compaction
 * removes whole stores instead of deleting entries one by one.
 *
 * <p>Removing a store costs Xodus one meta-tree update plus, at commit, a walk over the removed tree's pages to
 * account them as garbage (Xodus 2.0.1, {@code ReadWriteTransaction.doCommit} and
 * {@code TreeMetaInfo.getTreeLoggables}): reads only, no page is rewritten. A store of more than 100,000 entries is
 * not walked; Xodus instead queues a recomputation of the whole environment's utilization on its cleaner thread,
 * which is why {@link #DEFAULT_SHIFT} keeps segments below that. The removal joins the shared write transaction
 * like any write and becomes durable atomically with it, together with entries and bounds written to other stores.
 *
 * <p>Xodus 2.0.1 does not remove a store created in the same, still open, transaction: the store stays (empty), and
 * a store removed and then opened again in one transaction keeps its old entries. So {@link #removeOutside} empties
 * a segment created in the open transaction instead of removing it (its entries are at most those appended in that
 * transaction), leaving an empty store that a later commit removes; and {@link XodusLogStore} removes segments only
 * as the transaction commits, after the last append that could still need them.
 *
 * <p>Follows the shared write transaction: {@link #afterCommit()} takes the segments as committed and
 * {@link #afterAbort()} returns to them. Not thread-safe: the node's loop is the only caller.
 */
final class LogSegments {
    static final String PREFIX = "skiff.log.";
    /** 65,536 entries per segment: below the 100,000 at which Xodus stops accounting a removed tree page by page. */
    static final int DEFAULT_SHIFT = 16;

    /** One segment's store; {@code name} is kept for error messages, so that reads build no strings. */
    record Segment(long number, String name, Store store) {
    }

    private final Environment env;
    private final int shift;
    private final List<Segment> live;
    private List<Segment> committed;
    private boolean changed;

    private LogSegments(Environment env, int shift, List<Segment> segments) {
        this.env = env;
        this.shift = shift;
        this.live = new ArrayList<>(segments);
        this.committed = List.copyOf(segments);
    }

    /**
     * Opens every segment store of the environment, in segment order.
     *
     * @param shift log2 of the entries per segment.
     * @throws StorageException when a store is named with the log's prefix but is not a segment.
     */
    static LogSegments open(Environment env, Transaction txn, Path directory, int shift) {
        if (shift < 0 || shift > 62) {
            throw new IllegalArgumentException("segment shift " + shift + " is outside 0 to 62");
        }
        final long maxSegment = Long.MAX_VALUE >>> shift;
        final List<Segment> segments = new ArrayList<>();
        for (String name : env.getAllStoreNames(txn)) {
            if (!name.startsWith(PREFIX)) {
                continue;
            }
            final long number = parse(name.substring(PREFIX.length()));
            if (number < 0 || number > maxSegment) {
                throw new StorageException("the Xodus environment " + directory + " holds the store '" + name
                    + "', which is named like a segment of the log but is not one: expected '" + PREFIX
                    + "' followed by a segment number from 0 to " + maxSegment + " without leading zeros");
            }
            segments.add(new Segment(number, name, env.openStore(name, StoreConfig.USE_EXISTING, txn)));
        }
        segments.sort(Comparator.comparingLong(Segment::number));
        return new LogSegments(env, shift, segments);
    }

    static String storeName(long segment) {
        return PREFIX + segment;
    }

    long segmentOf(long index) {
        return index >>> shift;
    }

    long firstIndexOf(long segment) {
        return segment << shift;
    }

    long lastIndexOf(long segment) {
        return segment << shift | (1L << shift) - 1;
    }

    /** @return whether {@code index} is the first of its segment. */
    boolean startsSegment(long index) {
        return (index & (1L << shift) - 1) == 0;
    }

    /** @return entries per segment. */
    long size() {
        return 1L << shift;
    }

    /** @return how many segment stores exist, counting those removed or created in the open transaction. */
    int count() {
        return live.size();
    }

    /** @param position from 0 to {@link #count()} - 1, in segment order. */
    Segment get(int position) {
        return live.get(position);
    }

    /** @return the segment, or {@code null} when it has no store. */
    Segment find(long segment) {
        final int at = search(live, segment);
        return at < 0 ? null : live.get(at);
    }

    /** Creates the store of a segment that has none. */
    Segment create(long segment, Transaction txn) {
        final String name = storeName(segment);
        final Segment created = new Segment(segment, name, env.openStore(name, StoreConfig.WITHOUT_DUPLICATES, txn));
        live.add(-search(live, segment) - 1, created);
        changed = true;
        return created;
    }

    /**
     * Removes every segment that holds no index from {@code compactedIndex + 1} to {@code lastIndex}; one created
     * in the open transaction is emptied instead and removed by a later call.
     */
    void removeOutside(long compactedIndex, long lastIndex, Transaction txn) {
        for (int i = live.size() - 1; i >= 0; i--) {
            final Segment segment = live.get(i);
            if (lastIndex > compactedIndex && firstIndexOf(segment.number()) <= lastIndex
                && lastIndexOf(segment.number()) > compactedIndex) {
                continue;
            }
            if (search(committed, segment.number()) < 0) {
                deleteFrom(segment.store(), firstIndexOf(segment.number()), txn);
            } else {
                env.removeStore(segment.name(), txn);
                live.remove(i);
                changed = true;
            }
        }
    }

    /**
     * Deletes a segment's entries from {@code index} on, one by one: for entries that a truncation left behind,
     * never more than it cut off.
     */
    static void deleteFrom(Store store, long index, Transaction txn) {
        try (Cursor cursor = store.openCursor(txn)) {
            boolean found = null != cursor.getSearchKeyRange(Keys.of(index));
            while (found) {
                cursor.deleteCurrent();
                found = cursor.getNext();
            }
        }
    }

    /** The open transaction committed: its segments are the committed ones. */
    void afterCommit() {
        if (changed) {
            committed = List.copyOf(live);
            changed = false;
        }
    }

    /** The open transaction was discarded, and with it the stores it created and its removals. */
    void afterAbort() {
        if (changed) {
            live.clear();
            live.addAll(committed);
            changed = false;
        }
    }

    /** @return the segment number a store name's suffix gives, or -1 when it is not one written by this class. */
    private static long parse(String suffix) {
        try {
            final long number = Long.parseLong(suffix);
            return suffix.equals(Long.toString(number)) ? number : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static int search(List<Segment> segments, long number) {
        int low = 0;
        int high = segments.size() - 1;
        while (low <= high) {
            final int mid = (low + high) >>> 1;
            final long found = segments.get(mid).number();
            if (found < number) {
                low = mid + 1;
            } else if (found > number) {
                high = mid - 1;
            } else {
                return mid;
            }
        }
        return -(low + 1);
    }
}
