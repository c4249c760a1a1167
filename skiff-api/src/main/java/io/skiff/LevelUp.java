package io.skiff;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The replicated key-value database of a cluster, as the original's {@code skiff.levelup()}: writes go through the
 * Raft log, reads are linearizable unless a call asks for {@link ReadConsistency#LOCAL}.
 *
 * <p>Any node serves every call: a follower forwards writes to the leader and confirms reads with it. Keys are
 * ordered as unsigned bytes; the {@code String} overloads encode UTF-8. Every method returns at once; the future
 * completes off the node's event loop, exceptionally with a {@link SkiffException} such as
 * {@link NotLeaderException} (not applied, may be retried) or {@link SkiffTimeoutException} (outcome unknown).
 */
public interface LevelUp {
    CompletableFuture<Void> put(byte[] key, byte[] value);

    CompletableFuture<Void> put(String key, String value);

    /**
     * Reads a key linearizably.
     *
     * @param key the key.
     * @return the value, or empty when the key is absent.
     */
    CompletableFuture<Optional<byte[]>> get(byte[] key);

    CompletableFuture<Optional<byte[]>> get(byte[] key, ReadConsistency consistency);

    CompletableFuture<Optional<String>> get(String key);

    CompletableFuture<Optional<String>> get(String key, ReadConsistency consistency);

    /**
     * Deletes a key; deleting an absent key succeeds.
     *
     * @param key the key.
     * @return completes once the delete is applied.
     */
    CompletableFuture<Void> del(byte[] key);

    CompletableFuture<Void> del(String key);

    /**
     * Applies puts and deletes atomically, at one log index.
     *
     * @param batch the operations; an empty batch completes at once.
     * @return completes once the batch is applied.
     */
    CompletableFuture<Void> batch(Batch batch);

    /** @return a new batch whose {@code write()} applies it through this database. */
    default ChainedBatch batch() {
        return new ChainedBatch(this);
    }

    /**
     * Reads an ordered range, like levelup's {@code createReadStream(options)} collected into a list.
     *
     * @param options bounds, order, limit, keys/values and consistency.
     * @return the entries in the requested order.
     */
    CompletableFuture<List<KeyValue>> range(RangeOptions options);

    /** @return every entry in ascending key order, read linearizably. */
    default CompletableFuture<List<KeyValue>> range() {
        return range(RangeOptions.all());
    }

    /** A batch bound to a database, written with {@link #write()}, as levelup's chained batch. */
    final class ChainedBatch {
        private final LevelUp db;
        private final Batch batch = Batch.create();

        ChainedBatch(LevelUp db) {
            this.db = db;
        }

        public ChainedBatch put(byte[] key, byte[] value) {
            batch.put(key, value);
            return this;
        }

        public ChainedBatch put(String key, String value) {
            batch.put(key, value);
            return this;
        }

        public ChainedBatch del(byte[] key) {
            batch.del(key);
            return this;
        }

        public ChainedBatch del(String key) {
            batch.del(key);
            return this;
        }

        /** @return completes once every operation is applied, atomically. */
        public CompletableFuture<Void> write() {
            return db.batch(batch);
        }
    }
}
