package io.skiff.core.kv;

import io.skiff.Batch;
import io.skiff.LevelDown;
import io.skiff.RangeOptions;
import io.skiff.SkiffNode;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link LevelDown} over a node running the {@code kv} state machine, built like {@link KvLevelUp}: writes are
 * commands, reads are linearizable queries, iterators read lazily a page at a time.
 *
 * <p>The store starts closed, as an abstract-leveldown store does. While it is not open, {@code get}, {@code put},
 * {@code del} and {@code batch} return a future failed with an {@link IllegalStateException} naming the call, and
 * {@link #iterator} throws one. Argument errors fail fast as in {@link KvLevelUp}. Closing ends every open iterator;
 * the node keeps running, and the store can be opened again.
 */
public final class KvLevelDown implements LevelDown {
    private final SkiffNode node;
    private final KvLevelUp db;
    private final Set<KvIterator> iterators = ConcurrentHashMap.newKeySet();
    private volatile boolean open;

    /**
     * @param node the node whose state machine is the {@code kv} map.
     */
    public KvLevelDown(SkiffNode node) {
        this.node = Objects.requireNonNull(node, "node");
        this.db = new KvLevelUp(node);
    }

    @Override
    public CompletableFuture<Void> open() {
        open = true;
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> close() {
        open = false;
        for (KvIterator iterator : iterators) {
            iterator.end();
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public CompletableFuture<Optional<byte[]>> get(byte[] key) {
        KvLevelUp.requireKey(key);
        return open ? db.get(key) : notOpen("get");
    }

    @Override
    public CompletableFuture<Void> put(byte[] key, byte[] value) {
        KvLevelUp.requireKey(key);
        KvLevelUp.requireValue(value);
        return open ? db.put(key, value) : notOpen("put");
    }

    @Override
    public CompletableFuture<Void> del(byte[] key) {
        KvLevelUp.requireKey(key);
        return open ? db.del(key) : notOpen("del");
    }

    @Override
    public CompletableFuture<Void> batch(Batch batch) {
        Objects.requireNonNull(batch, "batch must not be null");
        return open ? db.batch(batch) : notOpen("batch");
    }

    /**
     * Opens a paged iterator over a range; see {@link KvIterator} for paging, seeking and limits.
     *
     * @param options the range.
     * @return the iterator.
     * @throws IllegalStateException when the store is not open.
     */
    @Override
    public Iterator iterator(RangeOptions options) {
        Objects.requireNonNull(options, "options must not be null");
        requireOpen("iterator");
        final KvIterator iterator = new KvIterator(node, options, KvIterator.DEFAULT_PAGE_SIZE, iterators::remove);
        iterators.add(iterator);
        if (!open) {
            // close() ran between the check and the add and did not see this iterator.
            iterator.end();
            requireOpen("iterator");
        }
        return iterator;
    }

    private void requireOpen(String call) {
        if (!open) {
            throw new IllegalStateException(notOpenMessage(call));
        }
    }

    private static <T> CompletableFuture<T> notOpen(String call) {
        return CompletableFuture.failedFuture(new IllegalStateException(notOpenMessage(call)));
    }

    private static String notOpenMessage(String call) {
        return "leveldown is not open: call open() before " + call + "()";
    }
}
