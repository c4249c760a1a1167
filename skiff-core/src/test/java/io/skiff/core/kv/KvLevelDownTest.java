package io.skiff.core.kv;

import io.skiff.Batch;
import io.skiff.KeyValue;
import io.skiff.LevelDown;
import io.skiff.RangeOptions;
import io.skiff.SkiffException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import static io.skiff.core.kv.KvCodecTest.bytes;
import static io.skiff.core.kv.KvLevelUpTest.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KvLevelDownTest {
    private final FakeSkiffNode node = new FakeSkiffNode();
    private final KvLevelDown store = new KvLevelDown(node);

    @Test
    void callsBeforeOpenFailNamingTheCall() {
        assertThat(store.isOpen()).isFalse();

        expectNotOpen(store.get(bytes("k")), "get");
        expectNotOpen(store.put(bytes("k"), bytes("v")), "put");
        expectNotOpen(store.del(bytes("k")), "del");
        expectNotOpen(store.batch(Batch.create().put("k", "v")), "batch");
        assertThatThrownBy(() -> store.iterator(RangeOptions.all()))
            .isInstanceOf(IllegalStateException.class)
            .hasMessage("leveldown is not open: call open() before iterator()");
        assertThat(node.commands).isEmpty();
        assertThat(node.queries).isEmpty();
    }

    @Test
    void callsAfterCloseFailAndReopeningServesTheSameData() throws Exception {
        await(store.open());
        await(store.put(bytes("k"), bytes("v")));

        await(store.close());
        expectNotOpen(store.get(bytes("k")), "get");

        await(store.open());
        assertThat(store.isOpen()).isTrue();
        assertThat(await(store.get(bytes("k")))).contains(bytes("v"));
    }

    @Test
    void openingAnOpenStoreSucceeds() throws Exception {
        await(store.open());
        await(store.open());

        assertThat(store.isOpen()).isTrue();
    }

    @Test
    void putThenGetReturnsTheValue() throws Exception {
        await(store.open());

        await(store.put(bytes("key"), bytes("value")));

        assertThat(await(store.get(bytes("key")))).contains(bytes("value"));
    }

    @Test
    void delThenGetIsNotFound() throws Exception {
        await(store.open());
        await(store.put(bytes("key"), bytes("value")));

        await(store.del(bytes("key")));

        assertThat(await(store.get(bytes("key")))).isEmpty();
    }

    @Test
    void batchPutsAndDels() throws Exception {
        await(store.open());
        await(store.put(bytes("old"), bytes("x")));

        await(store.batch(Batch.create().put("a", "1").del("old").put("b", "2")));

        assertThat(await(store.get(bytes("a")))).contains(bytes("1"));
        assertThat(await(store.get(bytes("b")))).contains(bytes("2"));
        assertThat(await(store.get(bytes("old")))).isEmpty();
    }

    @Test
    void argumentErrorsFailFastEvenWhenClosed() {
        assertThatThrownBy(() -> store.get(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("key");
        assertThatThrownBy(() -> store.put(bytes("k"), null))
            .isInstanceOf(NullPointerException.class).hasMessageContaining("value");
        assertThatThrownBy(() -> store.del(new byte[0]))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("key");
        assertThatThrownBy(() -> store.iterator(null))
            .isInstanceOf(NullPointerException.class).hasMessageContaining("options");
    }

    @Test
    void iteratorReadsAllKeysInPagesOf128() throws Exception {
        await(store.open());
        final List<String> keys = fill(300);

        final List<KeyValue> read = drain(store.iterator(RangeOptions.all()));

        assertThat(read).extracting(KeyValue::keyString).containsExactlyElementsOf(keys);
        assertThat(read).extracting(KeyValue::valueString).allMatch(value -> value.startsWith("value-"));
        // 128 + 128 + 44: the short third page ends the iteration without a fourth query.
        assertThat(rangeQueries()).isEqualTo(3);
    }

    @Test
    void iteratorKeysOnlyAndValuesOnlyReturnTheirHalf() throws Exception {
        await(store.open());
        fill(3);

        assertThat(drain(store.iterator(RangeOptions.all().values(false))))
            .containsExactly(new KeyValue(bytes("key-000"), null), new KeyValue(bytes("key-001"), null),
                new KeyValue(bytes("key-002"), null));
        assertThat(drain(store.iterator(RangeOptions.all().keys(false))))
            .containsExactly(new KeyValue(null, bytes("value-000")), new KeyValue(null, bytes("value-001")),
                new KeyValue(null, bytes("value-002")));
    }

    @Test
    void valuesOnlyIterationStillPagesByKey() throws Exception {
        await(store.open());
        fill(10);

        final List<KeyValue> read = drain(iterator(RangeOptions.all().keys(false), 3));

        assertThat(read).extracting(KeyValue::valueString).containsExactly("value-000", "value-001", "value-002",
            "value-003", "value-004", "value-005", "value-006", "value-007", "value-008", "value-009");
        assertThat(read).extracting(KeyValue::key).containsOnlyNulls();
    }

    @Test
    void pagedIterationMatchesABruteForceModelForRandomOptions() throws Exception {
        final long seed = 4242L;
        final Random random = new Random(seed);
        await(store.open());
        final List<KeyValue> model = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            final byte[] key = KvStateMachineTest.randomKey(random);
            final byte[] value = KvStateMachineTest.randomKey(random);
            await(store.put(key, value));
            model.removeIf(entry -> Arrays.equals(entry.key(), key));
            model.add(new KeyValue(key, value));
        }
        for (int round = 0; round < 300; round++) {
            final RangeOptions options = KvStateMachineTest.randomOptions(random);
            final int pageSize = 1 + random.nextInt(4);

            final List<KeyValue> read = drain(iterator(options, pageSize));

            assertThat(read).as("seed %d, round %d, page size %d, %s", seed, round, pageSize, options)
                .isEqualTo(KvStateMachineTest.expectedRange(model, options));
        }
    }

    @Test
    void limitCapsTheWholeIterationAcrossPages() throws Exception {
        await(store.open());
        fill(20);

        final List<KeyValue> read = drain(iterator(RangeOptions.all().limit(7), 3));

        assertThat(read).extracting(KeyValue::keyString).containsExactly("key-000", "key-001", "key-002", "key-003",
            "key-004", "key-005", "key-006");
        // Pages of 3, 3 and then only the 1 entry the limit still allows.
        assertThat(rangeQueries()).isEqualTo(3);
    }

    @Test
    void reverseIterationPagesDownwardsWithinBounds() throws Exception {
        await(store.open());
        fill(10);

        final List<KeyValue> read = drain(iterator(RangeOptions.all().gte("key-002").lt("key-008").reverse(true), 2));

        assertThat(read).extracting(KeyValue::keyString).containsExactly("key-007", "key-006", "key-005", "key-004",
            "key-003", "key-002");
    }

    @Test
    void seekMovesToTheFirstKeyAtOrAfterTheTarget() throws Exception {
        await(store.open());
        fill(10);
        final LevelDown.Iterator iterator = iterator(RangeOptions.all(), 2);
        assertThat(key(await(iterator.next()))).isEqualTo("key-000");

        iterator.seek(bytes("key-0055"));
        assertThat(key(await(iterator.next()))).isEqualTo("key-006");

        iterator.seek(bytes("key-001"));
        assertThat(key(await(iterator.next()))).isEqualTo("key-001");
        assertThat(key(await(iterator.next()))).isEqualTo("key-002");
    }

    @Test
    void seekInReverseMovesToTheLastKeyAtOrBeforeTheTarget() throws Exception {
        await(store.open());
        fill(10);
        final LevelDown.Iterator iterator = iterator(RangeOptions.all().reverse(true), 2);

        iterator.seek(bytes("key-0055"));

        assertThat(drain(iterator)).extracting(KeyValue::keyString).containsExactly("key-005", "key-004", "key-003",
            "key-002", "key-001", "key-000");
    }

    @Test
    void seekStaysWithinTheRangeBounds() throws Exception {
        await(store.open());
        fill(10);
        final LevelDown.Iterator iterator = iterator(RangeOptions.all().gte("key-003").lte("key-005"), 2);

        iterator.seek(bytes("key-000"));
        assertThat(drain(iterator)).extracting(KeyValue::keyString).containsExactly("key-003", "key-004", "key-005");

        iterator.seek(bytes("key-009"));
        assertThat(await(iterator.next())).isEmpty();
    }

    @Test
    void iterationContinuesPastALastKeyDeletedBetweenPages() throws Exception {
        await(store.open());
        fill(6);
        final LevelDown.Iterator iterator = iterator(RangeOptions.all(), 2);
        assertThat(key(await(iterator.next()))).isEqualTo("key-000");
        assertThat(key(await(iterator.next()))).isEqualTo("key-001");

        await(store.del(bytes("key-001")));
        await(store.del(bytes("key-002")));

        assertThat(drain(iterator)).extracting(KeyValue::keyString).containsExactly("key-003", "key-004", "key-005");
    }

    @Test
    void nextAfterEndFailsAndEndingTwiceIsHarmless() throws Exception {
        await(store.open());
        fill(3);
        final LevelDown.Iterator iterator = store.iterator(RangeOptions.all());
        await(iterator.next());

        await(iterator.end());
        await(iterator.end());

        assertThatThrownBy(() -> await(iterator.next()))
            .isInstanceOf(ExecutionException.class).cause().isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("next() after end()");
        assertThatThrownBy(() -> iterator.seek(bytes("key-000")))
            .isInstanceOf(IllegalStateException.class).hasMessageContaining("seek() after end()");
    }

    @Test
    void closeEndsOpenIterators() throws Exception {
        await(store.open());
        fill(3);
        final LevelDown.Iterator iterator = store.iterator(RangeOptions.all());
        await(iterator.next());

        await(store.close());

        assertThatThrownBy(() -> await(iterator.next()))
            .isInstanceOf(ExecutionException.class).cause().isInstanceOf(IllegalStateException.class);
    }

    @Test
    void secondNextWhileOneIsPendingFails() throws Exception {
        await(store.open());
        fill(3);
        node.deferQueries();
        final LevelDown.Iterator iterator = store.iterator(RangeOptions.all());
        final CompletableFuture<Optional<KeyValue>> first = iterator.next();

        final CompletableFuture<Optional<KeyValue>> second = iterator.next();
        assertThatThrownBy(() -> iterator.seek(bytes("key-001")))
            .isInstanceOf(IllegalStateException.class).hasMessageContaining("pending");
        node.releaseQueries();

        assertThat(key(await(first))).isEqualTo("key-000");
        assertThatThrownBy(() -> await(second))
            .isInstanceOf(ExecutionException.class).cause().isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("one next() at a time");
        assertThat(key(await(iterator.next()))).isEqualTo("key-001");
    }

    @Test
    void endingWhileNextIsPendingFailsThatNext() throws Exception {
        await(store.open());
        fill(3);
        node.deferQueries();
        final LevelDown.Iterator iterator = store.iterator(RangeOptions.all());
        final CompletableFuture<Optional<KeyValue>> pending = iterator.next();

        await(iterator.end());
        node.releaseQueries();

        assertThatThrownBy(() -> await(pending))
            .isInstanceOf(ExecutionException.class).cause().isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("ended while next() was pending");
    }

    @Test
    void failedPageFailsNextAndTheIteratorCanGoOn() throws Exception {
        await(store.open());
        fill(3);
        final LevelDown.Iterator iterator = store.iterator(RangeOptions.all());
        node.failQueries(new SkiffException("lost the leader"));

        assertThatThrownBy(() -> await(iterator.next()))
            .isInstanceOf(ExecutionException.class).cause().hasMessage("lost the leader");

        node.failQueries(null);
        assertThat(drain(iterator)).extracting(KeyValue::keyString).containsExactly("key-000", "key-001", "key-002");
    }

    private KvIterator iterator(RangeOptions options, int pageSize) {
        return new KvIterator(node, options, pageSize, ended -> { });
    }

    private List<String> fill(int count) throws Exception {
        final List<String> keys = new ArrayList<>();
        final Batch batch = Batch.create();
        for (int i = 0; i < count; i++) {
            final String key = String.format("key-%03d", i);
            keys.add(key);
            batch.put(key, String.format("value-%03d", i));
        }
        await(store.batch(batch));
        return keys;
    }

    private long rangeQueries() {
        return node.queries.stream().filter(query -> query[0] == KvCodec.RANGE).count();
    }

    private static List<KeyValue> drain(LevelDown.Iterator iterator) throws Exception {
        final List<KeyValue> read = new ArrayList<>();
        for (Optional<KeyValue> next = await(iterator.next()); next.isPresent(); next = await(iterator.next())) {
            read.add(next.get());
        }
        return read;
    }

    private static String key(Optional<KeyValue> entry) {
        return new String(entry.orElseThrow().key(), StandardCharsets.UTF_8);
    }

    private static void expectNotOpen(CompletableFuture<?> future, String call) {
        assertThatThrownBy(() -> await(future))
            .isInstanceOf(ExecutionException.class)
            .cause().isInstanceOf(IllegalStateException.class)
            .hasMessage("leveldown is not open: call open() before " + call + "()");
    }
}
