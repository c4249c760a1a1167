package io.skiff;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The low-level store surface of the same replicated database, as a LevelDB backend offers it
 * ({@code abstract-leveldown}): open, close, get, put, del, batch and iterators.
 *
 * <p>Calls made while the store is not open fail with an {@link IllegalStateException} naming the call. Reads are
 * linearizable.
 */
public interface LevelDown {
    /** @return completes once the store is usable; opening an open store succeeds. */
    CompletableFuture<Void> open();

    /** @return completes once the store is closed; open iterators end. The node itself keeps running. */
    CompletableFuture<Void> close();

    /** @return whether the store is open. */
    boolean isOpen();

    CompletableFuture<Optional<byte[]>> get(byte[] key);

    CompletableFuture<Void> put(byte[] key, byte[] value);

    CompletableFuture<Void> del(byte[] key);

    CompletableFuture<Void> batch(Batch batch);

    /**
     * Opens an iterator over a range. It reads lazily, a page at a time, each page linearizable on its own; writes
     * made while iterating may or may not be seen in later pages.
     *
     * @param options the range.
     * @return the iterator.
     */
    Iterator iterator(RangeOptions options);

    /** A lazily paged iterator, as abstract-leveldown's: {@code next}, {@code seek} and {@code end}. */
    interface Iterator {
        /** @return the next entry, or empty at the end of the range. */
        CompletableFuture<Optional<KeyValue>> next();

        /**
         * Moves to the first key at or after {@code target} (at or before it when reversed).
         *
         * @param target the key to seek to.
         */
        void seek(byte[] target);

        /** @return completes once the iterator is released; later {@code next} calls fail. */
        CompletableFuture<Void> end();
    }
}
