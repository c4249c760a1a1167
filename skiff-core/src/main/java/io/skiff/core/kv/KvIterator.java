package io.skiff.core.kv;

import io.skiff.KeyValue;
import io.skiff.LevelDown;
import io.skiff.RangeOptions;
import io.skiff.ReadConsistency;
import io.skiff.SkiffException;
import io.skiff.SkiffNode;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

/**
 * A lazily paged iterator of {@link KvLevelDown}. Each page is one RANGE query of at most {@code pageSize} entries
 * that starts just past the last key returned (just before it when reversed), so a page is linearizable on its own
 * and writes between pages may or may not be seen. The range's limit caps the entries returned over the iterator's
 * whole life, seeks included.
 *
 * <p>As abstract-leveldown's iterators: one {@link #next()} at a time (a second while one is pending fails with an
 * {@link IllegalStateException}), {@link #seek} neither while a {@code next()} is pending nor after {@link #end()},
 * and {@code next()} after {@code end()} fails. Ending while a {@code next()} is pending fails that {@code next()}.
 * Pages always carry keys, whatever the options ask, because the next page starts from the last key.
 */
final class KvIterator implements LevelDown.Iterator {
    static final int DEFAULT_PAGE_SIZE = 128;

    private final SkiffNode node;
    private final KvRange range;
    private final ReadConsistency consistency;
    private final boolean keys;
    private final int pageSize;
    private final Consumer<KvIterator> onEnd;
    private final ArrayDeque<KeyValue> page = new ArrayDeque<>();

    // Where the next page starts: after the last key returned, or at a sought key; null before the first page.
    private byte[] cursor;
    private boolean cursorInclusive;
    private int delivered;
    private boolean exhausted;
    private boolean ended;
    private CompletableFuture<Optional<KeyValue>> pending;

    /**
     * @param node     the node to query.
     * @param options  the range.
     * @param pageSize the most entries one query asks for, at least 1.
     * @param onEnd    told once when the iterator ends.
     */
    KvIterator(SkiffNode node, RangeOptions options, int pageSize, Consumer<KvIterator> onEnd) {
        if (pageSize < 1) {
            throw new IllegalArgumentException("pageSize must be at least 1, got " + pageSize);
        }
        final KvRange requested = KvRange.from(options);
        this.node = node;
        this.range = new KvRange(requested.lower(), requested.lowerInclusive(), requested.upper(),
            requested.upperInclusive(), requested.reverse(), requested.limit(), true, requested.values());
        this.consistency = options.consistency();
        this.keys = options.keys();
        this.pageSize = pageSize;
        this.onEnd = onEnd;
    }

    /**
     * @return the next entry, read from the current page or by querying the next; empty at the end of the range or
     *         once the limit is reached; failed when the iterator has ended, when a {@code next()} is pending, or
     *         when the query fails (the iterator stays usable then).
     */
    @Override
    public CompletableFuture<Optional<KeyValue>> next() {
        final CompletableFuture<Optional<KeyValue>> result;
        final KvRange query;
        synchronized (this) {
            if (ended) {
                return CompletableFuture.failedFuture(new IllegalStateException("iterator has ended: next() after "
                    + "end()"));
            }
            if (null != pending) {
                return CompletableFuture.failedFuture(new IllegalStateException("next() called before the previous "
                    + "next() completed: expected one next() at a time"));
            }
            if (!page.isEmpty()) {
                return CompletableFuture.completedFuture(Optional.of(deliver(page.poll())));
            }
            final int remaining = range.limit() < 0 ? Integer.MAX_VALUE : range.limit() - delivered;
            if (exhausted || remaining <= 0) {
                return CompletableFuture.completedFuture(Optional.empty());
            }
            query = nextPage(Math.min(pageSize, remaining));
            result = new CompletableFuture<>();
            pending = result;
        }
        try {
            node.query(KvCodec.encodeRange(query), consistency)
                .whenComplete((answer, error) -> onPage(result, query.limit(), answer, error));
        } catch (RuntimeException e) {
            onPage(result, query.limit(), null, e);
        }
        return result;
    }

    /**
     * Moves to the first key at or after {@code target} (at or before it when reversed), within the range's bounds;
     * entries already read ahead are dropped.
     *
     * @param target the key to seek to.
     * @throws IllegalStateException when the iterator has ended or a {@code next()} is pending.
     */
    @Override
    public void seek(byte[] target) {
        if (null == target) {
            throw new NullPointerException("target must not be null");
        }
        synchronized (this) {
            if (ended) {
                throw new IllegalStateException("iterator has ended: seek() after end()");
            }
            if (null != pending) {
                throw new IllegalStateException("seek() called before the pending next() completed");
            }
            page.clear();
            exhausted = false;
            cursor = target.clone();
            cursorInclusive = true;
        }
    }

    /** @return a completed future; ending twice is harmless. */
    @Override
    public CompletableFuture<Void> end() {
        final CompletableFuture<Optional<KeyValue>> waiting;
        synchronized (this) {
            if (ended) {
                return CompletableFuture.completedFuture(null);
            }
            ended = true;
            page.clear();
            waiting = pending;
            pending = null;
        }
        onEnd.accept(this);
        if (null != waiting) {
            waiting.completeExceptionally(new IllegalStateException("iterator was ended while next() was pending"));
        }
        return CompletableFuture.completedFuture(null);
    }

    private KvRange nextPage(int max) {
        if (null == cursor) {
            return range.withLimit(max);
        }
        return range.reverse() ? range.withUpperAtMost(cursor, cursorInclusive, max)
            : range.withLowerAtLeast(cursor, cursorInclusive, max);
    }

    // Completes the pending next() outside the lock, so that callbacks chained on it cannot run while it is held.
    private void onPage(CompletableFuture<Optional<KeyValue>> result, int requested, byte[] answer, Throwable error) {
        Optional<KeyValue> entry = Optional.empty();
        Throwable failure = null;
        synchronized (this) {
            if (pending != result) {
                return;
            }
            pending = null;
            if (null != error) {
                failure = error instanceof CompletionException && null != error.getCause() ? error.getCause() : error;
            } else {
                try {
                    entry = accept(KvCodec.decodeRangeResult(answer), requested);
                } catch (SkiffException e) {
                    failure = e;
                }
            }
        }
        if (null != failure) {
            result.completeExceptionally(failure);
        } else {
            result.complete(entry);
        }
    }

    private Optional<KeyValue> accept(List<KeyValue> entries, int requested) {
        if (entries.size() > requested) {
            throw new SkiffException("range page holds " + entries.size() + " entries, expected at most "
                + requested);
        }
        if (!entries.isEmpty()) {
            final byte[] last = entries.get(entries.size() - 1).key();
            if (null == last) {
                throw new SkiffException("range page omits keys: expected keys, the iterator pages by them");
            }
            cursor = last;
            cursorInclusive = false;
        }
        exhausted = entries.size() < requested;
        page.addAll(entries);
        return page.isEmpty() ? Optional.empty() : Optional.of(deliver(page.poll()));
    }

    private KeyValue deliver(KeyValue entry) {
        delivered++;
        return keys ? entry : new KeyValue(null, entry.value());
    }
}
