package io.skiff.core.kv;

import io.skiff.Batch;
import io.skiff.KeyValue;
import io.skiff.LevelUp;
import io.skiff.RangeOptions;
import io.skiff.ReadConsistency;
import io.skiff.SkiffNode;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * {@link LevelUp} over a node running the {@code kv} state machine: every write becomes one command of
 * {@link KvCodec} submitted with {@link SkiffNode#command(byte[])}, every read one query submitted with
 * {@link SkiffNode#query(byte[], ReadConsistency)}. Nothing else of the node is used, so any node that replicates
 * a {@link KvStateMachine} can carry it.
 *
 * <p>Argument errors fail fast, before anything is sent: a {@code null} key, value, batch or options throws a
 * {@link NullPointerException} naming the argument, an empty key an {@link IllegalArgumentException}. Futures fail
 * with whatever the node fails them with (e.g. {@link io.skiff.NotLeaderException}), or with a
 * {@link io.skiff.SkiffException} when the state machine rejects a command or answers with bytes that are not a
 * valid result.
 */
public final class KvLevelUp implements LevelUp {
    private final SkiffNode node;

    /**
     * @param node the node whose state machine is the {@code kv} map.
     */
    public KvLevelUp(SkiffNode node) {
        this.node = Objects.requireNonNull(node, "node");
    }

    @Override
    public CompletableFuture<Void> put(byte[] key, byte[] value) {
        return command(KvCodec.encodePut(requireKey(key), requireValue(value)));
    }

    @Override
    public CompletableFuture<Void> put(String key, String value) {
        return put(utf8(key, "key"), utf8(value, "value"));
    }

    @Override
    public CompletableFuture<Optional<byte[]>> get(byte[] key) {
        return get(key, ReadConsistency.LINEARIZABLE);
    }

    @Override
    public CompletableFuture<Optional<byte[]>> get(byte[] key, ReadConsistency consistency) {
        final byte[] query = KvCodec.encodeGet(requireKey(key));
        return node.query(query, Objects.requireNonNull(consistency, "consistency must not be null"))
            .thenApply(KvCodec::decodeGetResult);
    }

    @Override
    public CompletableFuture<Optional<String>> get(String key) {
        return get(key, ReadConsistency.LINEARIZABLE);
    }

    @Override
    public CompletableFuture<Optional<String>> get(String key, ReadConsistency consistency) {
        return get(utf8(key, "key"), consistency)
            .thenApply(value -> value.map(bytes -> new String(bytes, StandardCharsets.UTF_8)));
    }

    @Override
    public CompletableFuture<Void> del(byte[] key) {
        return command(KvCodec.encodeDel(requireKey(key)));
    }

    @Override
    public CompletableFuture<Void> del(String key) {
        return del(utf8(key, "key"));
    }

    /**
     * Applies a batch atomically as one BATCH command; an empty batch completes at once without a command.
     *
     * @param batch the operations.
     * @return completes once the batch is applied.
     */
    @Override
    public CompletableFuture<Void> batch(Batch batch) {
        Objects.requireNonNull(batch, "batch must not be null");
        if (batch.size() == 0) {
            return CompletableFuture.completedFuture(null);
        }
        return command(KvCodec.encodeBatch(batch.operations()));
    }

    /**
     * Reads a range with one RANGE query, so the entries come from one state of the map; a very large range is
     * therefore one large answer (see {@link io.skiff.LevelDown#iterator} for a paged read).
     *
     * @param options bounds, order, limit, keys/values and consistency.
     * @return the entries, with {@code null} for the halves not asked for.
     */
    @Override
    public CompletableFuture<List<KeyValue>> range(RangeOptions options) {
        Objects.requireNonNull(options, "options must not be null");
        return node.query(KvCodec.encodeRange(KvRange.from(options)), options.consistency())
            .thenApply(KvCodec::decodeRangeResult);
    }

    static byte[] requireKey(byte[] key) {
        if (null == key) {
            throw new NullPointerException("key must not be null");
        }
        if (key.length == 0) {
            throw new IllegalArgumentException("key is empty: expected at least one byte");
        }
        return key;
    }

    static byte[] requireValue(byte[] value) {
        if (null == value) {
            throw new NullPointerException("value must not be null");
        }
        return value;
    }

    private static byte[] utf8(String text, String what) {
        if (null == text) {
            throw new NullPointerException(what + " must not be null");
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private CompletableFuture<Void> command(byte[] command) {
        return node.command(command).thenApply(KvLevelUp::applied);
    }

    private static Void applied(byte[] result) {
        KvCodec.checkCommandResult(result);
        return null;
    }
}
