package io.skiff.core.kv;

import io.skiff.Batch;
import io.skiff.KeyValue;
import io.skiff.NotLeaderException;
import io.skiff.RangeOptions;
import io.skiff.ReadConsistency;
import io.skiff.SkiffException;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static io.skiff.core.kv.KvCodecTest.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

class KvLevelUpTest {
    private final FakeSkiffNode node = new FakeSkiffNode();
    private final KvLevelUp db = new KvLevelUp(node);

    @Test
    void putThenGetReturnsTheValue() throws Exception {
        await(db.put("key", "value"));

        assertThat(await(db.get("key"))).contains("value");
        assertThat(await(db.get(bytes("key")))).contains(bytes("value"));
    }

    @Test
    void stringsTravelAsUtf8() throws Exception {
        await(db.put("ключ", "значение ✓"));

        assertThat(await(db.get(bytes("ключ")))).contains(bytes("значение ✓"));
        assertThat(await(db.get("ключ"))).contains("значение ✓");
    }

    @Test
    void getOfAnAbsentKeyIsEmpty() throws Exception {
        assertThat(await(db.get("missing"))).isEmpty();
    }

    @Test
    void delThenGetIsNotFound() throws Exception {
        await(db.put("key", "value"));

        await(db.del("key"));

        assertThat(await(db.get("key"))).isEmpty();
    }

    @Test
    void batchPutsAndDelsApplyAsOneCommand() throws Exception {
        await(db.put("old", "x"));
        final int before = node.commands.size();

        await(db.batch(Batch.create().put("a", "1").put("b", "2").del("old").put("c", "3").del("b")));

        assertThat(node.commands).hasSize(before + 1);
        assertThat(await(db.range())).containsExactly(kv("a", "1"), kv("c", "3"));
    }

    @Test
    void chainedBatchWritesThroughTheDatabase() throws Exception {
        await(db.batch().put("a", "1").put(bytes("b"), bytes("2")).del("a").write());

        assertThat(await(db.range())).containsExactly(kv("b", "2"));
    }

    @Test
    void emptyBatchCompletesWithoutACommand() throws Exception {
        final CompletableFuture<Void> done = db.batch(Batch.create());

        assertThat(done).isCompleted();
        await(done);
        assertThat(node.commands).isEmpty();
    }

    @Test
    void rangeIteratesAllKeysInOrder() throws Exception {
        await(db.batch(Batch.create().put("c", "3").put("a", "1").put("b", "2")));

        assertThat(await(db.range())).containsExactly(kv("a", "1"), kv("b", "2"), kv("c", "3"));
    }

    @Test
    void rangeKeysOnlyAndValuesOnlyReturnTheirHalf() throws Exception {
        await(db.batch(Batch.create().put("a", "1").put("b", "2")));

        assertThat(await(db.range(RangeOptions.all().values(false))))
            .extracting(KeyValue::keyString, KeyValue::value)
            .containsExactly(tuple("a", null), tuple("b", null));
        assertThat(await(db.range(RangeOptions.all().keys(false))))
            .extracting(KeyValue::key, KeyValue::valueString)
            .containsExactly(tuple(null, "1"), tuple(null, "2"));
    }

    @Test
    void rangeHonoursBoundsOrderAndLimit() throws Exception {
        await(db.batch(Batch.create().put("a", "1").put("b", "2").put("c", "3").put("d", "4").put("e", "5")));

        assertThat(await(db.range(RangeOptions.all().gt("a").lte("d").reverse(true).limit(2))))
            .containsExactly(kv("d", "4"), kv("c", "3"));
        assertThat(await(db.range(RangeOptions.all().gte("b").lt("d"))))
            .containsExactly(kv("b", "2"), kv("c", "3"));
    }

    @Test
    void readsPassTheRequestedConsistencyToTheNode() throws Exception {
        await(db.get("k", ReadConsistency.LOCAL));
        await(db.get("k"));
        await(db.range(RangeOptions.all().consistency(ReadConsistency.LOCAL)));

        assertThat(node.consistencies).containsExactly(ReadConsistency.LOCAL, ReadConsistency.LINEARIZABLE,
            ReadConsistency.LOCAL);
    }

    @Test
    void argumentErrorsFailFastNamingTheArgument() {
        assertThatThrownBy(() -> db.put((byte[])null, bytes("v")))
            .isInstanceOf(NullPointerException.class).hasMessageContaining("key");
        assertThatThrownBy(() -> db.put(new byte[0], bytes("v")))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("key");
        assertThatThrownBy(() -> db.put(bytes("k"), null))
            .isInstanceOf(NullPointerException.class).hasMessageContaining("value");
        assertThatThrownBy(() -> db.put((String)null, "v"))
            .isInstanceOf(NullPointerException.class).hasMessageContaining("key");
        assertThatThrownBy(() -> db.put("k", null))
            .isInstanceOf(NullPointerException.class).hasMessageContaining("value");
        assertThatThrownBy(() -> db.get(""))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("key");
        assertThatThrownBy(() -> db.get(bytes("k"), null))
            .isInstanceOf(NullPointerException.class).hasMessageContaining("consistency");
        assertThatThrownBy(() -> db.del((byte[])null))
            .isInstanceOf(NullPointerException.class).hasMessageContaining("key");
        assertThatThrownBy(() -> db.batch((Batch)null))
            .isInstanceOf(NullPointerException.class).hasMessageContaining("batch");
        assertThatThrownBy(() -> db.range(null))
            .isInstanceOf(NullPointerException.class).hasMessageContaining("options");
        assertThat(node.commands).isEmpty();
        assertThat(node.queries).isEmpty();
    }

    @Test
    void commandTheStateMachineRejectsFailsWithItsMessage() {
        node.answerCommandsWith(KvCodec.encodeError("no room"));

        assertThatThrownBy(() -> await(db.put("k", "v")))
            .isInstanceOf(ExecutionException.class)
            .cause().isInstanceOf(SkiffException.class).hasMessageContaining("no room");
    }

    @Test
    void nodeFailuresReachTheCaller() {
        node.failQueries(new NotLeaderException("no leader", null));

        assertThatThrownBy(() -> await(db.get("k")))
            .isInstanceOf(ExecutionException.class).cause().isInstanceOf(NotLeaderException.class);
    }

    private static KeyValue kv(String key, String value) {
        return new KeyValue(bytes(key), bytes(value));
    }

    static <T> T await(CompletableFuture<T> future) throws Exception {
        return future.get(10, TimeUnit.SECONDS);
    }
}
