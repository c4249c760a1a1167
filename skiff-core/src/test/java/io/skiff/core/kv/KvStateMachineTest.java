package io.skiff.core.kv;

import io.skiff.Batch;
import io.skiff.KeyValue;
import io.skiff.RangeOptions;
import io.skiff.StorageException;
import io.skiff.spi.SnapshotMeta;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;

import static io.skiff.core.kv.KvCodecTest.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

class KvStateMachineTest {
    private static final long RANGE_SEED = 20240611L;
    private static final long GARBAGE_SEED = 77L;
    private static final byte[] ALPHABET = {0x00, 0x01, 0x61, 0x62, 0x7F, (byte)0x80, (byte)0xFF};

    private final KvStateMachine machine = new KvStateMachine();
    private long index;

    @Test
    void putThenGetReturnsTheValue() {
        apply(KvCodec.encodePut(bytes("k"), bytes("v")));

        assertThat(get("k")).contains(bytes("v"));
    }

    @Test
    void getOfAnAbsentKeyIsEmpty() {
        assertThat(get("missing")).isEmpty();
    }

    @Test
    void putOverwritesAndDelRemoves() {
        apply(KvCodec.encodePut(bytes("k"), bytes("1")));
        apply(KvCodec.encodePut(bytes("k"), bytes("2")));
        assertThat(get("k")).contains(bytes("2"));

        apply(KvCodec.encodeDel(bytes("k")));
        assertThat(get("k")).isEmpty();
    }

    @Test
    void deletingAnAbsentKeySucceeds() {
        assertThat(apply(KvCodec.encodeDel(bytes("never")))).isEmpty();
    }

    @Test
    void successfulCommandsReturnTheSharedEmptyResult() {
        assertThat(apply(KvCodec.encodePut(bytes("k"), bytes("v")))).isSameAs(KvCodec.OK);
        assertThat(apply(KvCodec.encodeBatch(Batch.create().del("k").operations()))).isSameAs(KvCodec.OK);
    }

    @Test
    void commandsLeaveTheBufferPositionAndLimitAlone() {
        final ByteBuffer command = ByteBuffer.wrap(KvCodec.encodePut(bytes("k"), bytes("v")));

        machine.apply(1, command);

        assertThat(command.position()).isZero();
        assertThat(command.limit()).isEqualTo(command.capacity());
    }

    @Test
    void batchAppliesInOrderSoTheLaterPutWins() {
        apply(KvCodec.encodePut(bytes("gone"), bytes("x")));

        apply(KvCodec.encodeBatch(Batch.create().put("a", "1").del("gone").put("a", "2").put("b", "3")
            .operations()));

        assertThat(all()).containsExactly(kv("a", "2"), kv("b", "3"));
    }

    @Test
    void malformedBatchChangesNothing() {
        apply(KvCodec.encodePut(bytes("keep"), bytes("1")));
        final byte[] valid = KvCodec.encodeBatch(Batch.create().put("a", "1").del("keep").put("b", "2")
            .operations());
        // The last operation's value length claims one byte more than the command holds.
        final byte[] broken = valid.clone();
        broken[broken.length - 2] = 2;

        final byte[] result = apply(broken);

        assertThat(result).startsWith(KvCodec.STATUS_ERROR);
        assertThat(all()).containsExactly(kv("keep", "1"));
    }

    @Test
    void malformedCommandsYieldErrorResultsAndNeverChangeState() {
        final Random random = new Random(GARBAGE_SEED);
        for (int i = 0; i < 50; i++) {
            apply(KvCodec.encodePut(randomKey(random), randomKey(random)));
        }
        final List<KeyValue> before = all();
        for (int round = 0; round < 5_000; round++) {
            final byte[] garbage = new byte[random.nextInt(30)];
            random.nextBytes(garbage);
            if (garbage.length > 0) {
                garbage[0] = (byte)(1 + random.nextInt(3));
            }
            final byte[] result;
            try {
                result = apply(garbage);
            } catch (RuntimeException e) {
                throw new AssertionError("seed " + GARBAGE_SEED + ", round " + round + ": apply threw for "
                    + Arrays.toString(garbage), e);
            }
            if (result.length > 0) {
                assertThat(result[0]).as("seed %d, round %d", GARBAGE_SEED, round).isEqualTo(KvCodec.STATUS_ERROR);
                assertThat(all()).as("seed %d, round %d", GARBAGE_SEED, round).isEqualTo(before);
            } else {
                // A well-formed command by chance: undo nothing, just take the new state as the baseline.
                before.clear();
                before.addAll(all());
            }
        }
    }

    @Test
    void malformedQueriesYieldErrorResults() {
        assertThat(query(new byte[0])).startsWith(KvCodec.STATUS_ERROR);
        assertThat(query(new byte[] {0x33})).startsWith(KvCodec.STATUS_ERROR);
        assertThat(query(new byte[] {KvCodec.GET, 0, 0, 0, 9, 1})).startsWith(KvCodec.STATUS_ERROR);
        assertThat(query(new byte[] {KvCodec.RANGE, (byte)0x80, 0, 0, 0, 0})).startsWith(KvCodec.STATUS_ERROR);
    }

    @Test
    void appliedIndexFollowsAppliedCommandsAndRestoredSnapshots() {
        assertThat(machine.appliedIndex()).isZero();

        machine.apply(7, ByteBuffer.wrap(KvCodec.encodePut(bytes("k"), bytes("v"))));
        assertThat(machine.appliedIndex()).isEqualTo(7);

        final ListSnapshot snapshot = snapshotOf(machine, 42);
        final KvStateMachine restored = new KvStateMachine();
        restored.restore(snapshot.reader(2));
        assertThat(restored.appliedIndex()).isEqualTo(42);
    }

    @Test
    void keysAreOrderedAsUnsignedBytes() {
        for (byte b : new byte[] {(byte)0xFF, 0x00, (byte)0x80, 0x7F, 0x01}) {
            apply(KvCodec.encodePut(new byte[] {b}, new byte[] {b}));
        }
        apply(KvCodec.encodePut(new byte[] {0x7F, 0x00}, new byte[0]));

        assertThat(all()).extracting(KeyValue::key).containsExactly(new byte[] {0x00}, new byte[] {0x01},
            new byte[] {0x7F}, new byte[] {0x7F, 0x00}, new byte[] {(byte)0x80}, new byte[] {(byte)0xFF});
    }

    @Test
    void invertedAndEmptyBoundsSelectWhatTheyMean() {
        apply(KvCodec.encodeBatch(Batch.create().put("a", "1").put("b", "2").put("c", "3").operations()));

        assertThat(range(RangeOptions.all().gt("c").lt("a"))).isEmpty();
        assertThat(range(RangeOptions.all().gt("b").lt("b"))).isEmpty();
        assertThat(range(RangeOptions.all().gte("b").lte("b"))).containsExactly(kv("b", "2"));
        assertThat(range(RangeOptions.all().gt(new byte[0]))).hasSize(3);
        assertThat(range(RangeOptions.all().lte(new byte[0]))).isEmpty();
        assertThat(range(RangeOptions.all().limit(0))).isEmpty();
    }

    @Test
    void keysOnlyAndValuesOnlyRangesReturnTheirHalf() {
        apply(KvCodec.encodeBatch(Batch.create().put("a", "1").put("b", "2").operations()));

        assertThat(range(RangeOptions.all().values(false)))
            .containsExactly(new KeyValue(bytes("a"), null), new KeyValue(bytes("b"), null));
        assertThat(range(RangeOptions.all().keys(false).reverse(true)))
            .containsExactly(new KeyValue(null, bytes("2")), new KeyValue(null, bytes("1")));
    }

    @Test
    void everyRangeOptionCombinationMatchesABruteForceModel() {
        final Random random = new Random(RANGE_SEED);
        for (int round = 0; round < 400; round++) {
            final KvStateMachine subject = new KvStateMachine();
            final List<KeyValue> model = new ArrayList<>();
            final int writes = random.nextInt(40);
            for (int i = 0; i < writes; i++) {
                final byte[] key = randomKey(random);
                if (random.nextInt(5) == 0) {
                    subject.apply(i + 1, ByteBuffer.wrap(KvCodec.encodeDel(key)));
                    model.removeIf(entry -> Arrays.equals(entry.key(), key));
                } else {
                    final byte[] value = randomKey(random);
                    subject.apply(i + 1, ByteBuffer.wrap(KvCodec.encodePut(key, value)));
                    model.removeIf(entry -> Arrays.equals(entry.key(), key));
                    model.add(new KeyValue(key, value));
                }
            }
            for (int query = 0; query < 25; query++) {
                final RangeOptions options = randomOptions(random);
                final List<KeyValue> actual = KvCodec.decodeRangeResult(
                    subject.query(ByteBuffer.wrap(KvCodec.encodeRange(KvRange.from(options)))));
                final List<KeyValue> expected = expectedRange(model, options);
                if (!actual.equals(expected)) {
                    fail("seed " + RANGE_SEED + ", round " + round + ", query " + query + ": " + options
                        + "\nexpected " + expected + "\nactual   " + actual + "\nmodel " + model);
                }
            }
        }
    }

    @Test
    void pointLookupsAgreeWithAModelThroughOverwritesDeletesAndRestores() {
        final Random random = new Random(RANGE_SEED + 1);
        KvStateMachine subject = new KvStateMachine();
        final TreeMap<byte[], byte[]> model = new TreeMap<>(Arrays::compareUnsigned);
        for (int step = 1; step <= 3000; step++) {
            final byte[] key = randomKey(random);
            if (random.nextInt(4) == 0) {
                subject.apply(step, ByteBuffer.wrap(KvCodec.encodeDel(key)));
                model.remove(key);
            } else {
                final byte[] value = randomKey(random);
                subject.apply(step, ByteBuffer.wrap(KvCodec.encodePut(key, value)));
                model.put(key, value);
            }
            if (step % 500 == 0) {
                final KvStateMachine restored = new KvStateMachine();
                restored.restore(snapshotOf(subject, step).reader(7));
                subject = restored;
            }
            final byte[] probe = randomKey(random);
            final Optional<byte[]> actual = KvCodec.decodeGetResult(
                subject.query(ByteBuffer.wrap(KvCodec.encodeGet(probe))));
            assertThat(actual.orElse(null)).as("step %d, key %s", step, Arrays.toString(probe))
                .isEqualTo(model.get(probe));
        }
        final List<KeyValue> expected = new ArrayList<>();
        model.forEach((key, value) -> expected.add(new KeyValue(key, value)));
        assertThat(rangeOf(subject, RangeOptions.all())).isEqualTo(expected);
    }

    @Test
    void snapshotWritesOneRecordPerEntryInKeyOrder() {
        apply(KvCodec.encodePut(bytes("b"), bytes("2")));
        apply(KvCodec.encodePut(bytes("a"), bytes("")));

        final ListSnapshot snapshot = snapshotOf(machine, 2);

        assertThat(snapshot.records).containsExactly(new byte[] {0, 0, 0, 1, 'a', 0, 0, 0, 0},
            new byte[] {0, 0, 0, 1, 'b', 0, 0, 0, 1, '2'});
    }

    @Test
    void snapshotRestoreRoundTripsReadingInSmallPages() {
        final Random random = new Random(5);
        for (int i = 0; i < 200; i++) {
            apply(KvCodec.encodePut(randomKey(random), new byte[random.nextInt(20)]));
        }
        final ListSnapshot snapshot = snapshotOf(machine, 200);
        final KvStateMachine restored = new KvStateMachine();
        restored.apply(1, ByteBuffer.wrap(KvCodec.encodePut(bytes("stale"), bytes("x"))));

        restored.restore(snapshot.reader(3));

        assertThat(rangeOf(restored, RangeOptions.all())).isEqualTo(all());
        assertThat(snapshot.reads()).isGreaterThan(1);
    }

    @Test
    void restoringAnEmptySnapshotEmptiesTheMap() {
        final ListSnapshot empty = snapshotOf(new KvStateMachine(), 9);
        apply(KvCodec.encodePut(bytes("k"), bytes("v")));

        machine.restore(empty.reader(4));

        assertThat(all()).isEmpty();
        assertThat(machine.appliedIndex()).isEqualTo(9);
    }

    @Test
    void malformedSnapshotIsRejectedAndLeavesTheStateAlone() {
        apply(KvCodec.encodePut(bytes("k"), bytes("v")));
        final ListSnapshot garbage = snapshotOf(machine, 3);
        garbage.records.add(new byte[] {0, 0, 0, 9, 1});

        assertThatThrownBy(() -> machine.restore(garbage.reader(2)))
            .isInstanceOf(StorageException.class)
            .hasMessageContaining("record 1")
            .hasMessageContaining("key length 9");
        assertThat(all()).containsExactly(kv("k", "v"));
        assertThat(machine.appliedIndex()).isEqualTo(1);
    }

    @Test
    void snapshotWithKeysOutOfOrderIsRejected() {
        final KvStateMachine source = new KvStateMachine();
        source.apply(1, ByteBuffer.wrap(KvCodec.encodePut(bytes("a"), bytes("1"))));
        source.apply(2, ByteBuffer.wrap(KvCodec.encodePut(bytes("b"), bytes("2"))));
        final ListSnapshot snapshot = snapshotOf(source, 2);
        Collections.reverse(snapshot.records);

        assertThatThrownBy(() -> machine.restore(snapshot.reader(5)))
            .isInstanceOf(StorageException.class).hasMessageContaining("strictly ascending");
    }

    @Test
    void snapshotWhoseRecordCountDisagreesWithItsMetadataIsRejected() {
        final ListSnapshot snapshot = new ListSnapshot();
        snapshot.meta(new SnapshotMeta(4, 1, new byte[0], 2));
        snapshot.records.add(new byte[] {0, 0, 0, 1, 'a', 0, 0, 0, 0});

        assertThatThrownBy(() -> machine.restore(snapshot.reader(5)))
            .isInstanceOf(StorageException.class).hasMessageContaining("holds 1 records, expected 2");
    }

    static List<KeyValue> expectedRange(List<KeyValue> model, RangeOptions options) {
        final List<KeyValue> selected = new ArrayList<>();
        for (KeyValue entry : model) {
            if (options.contains(entry.key())) {
                selected.add(entry);
            }
        }
        selected.sort((a, b) -> Arrays.compareUnsigned(a.key(), b.key()));
        if (options.reverse()) {
            Collections.reverse(selected);
        }
        final List<KeyValue> limited = options.limit() < 0 || options.limit() >= selected.size() ? selected
            : selected.subList(0, options.limit());
        final List<KeyValue> shaped = new ArrayList<>();
        for (KeyValue entry : limited) {
            shaped.add(new KeyValue(options.keys() ? entry.key() : null, options.values() ? entry.value() : null));
        }
        return shaped;
    }

    static RangeOptions randomOptions(Random random) {
        RangeOptions options = RangeOptions.all();
        switch (random.nextInt(3)) {
            case 1 -> options = options.gt(randomBound(random));
            case 2 -> options = options.gte(randomBound(random));
            default -> {
            }
        }
        switch (random.nextInt(3)) {
            case 1 -> options = options.lt(randomBound(random));
            case 2 -> options = options.lte(randomBound(random));
            default -> {
            }
        }
        final int limit = random.nextInt(4) == 0 ? -1 : random.nextInt(12);
        return options.reverse(random.nextBoolean()).limit(limit).keys(random.nextInt(4) != 0)
            .values(random.nextInt(4) != 0);
    }

    static byte[] randomKey(Random random) {
        final byte[] key = new byte[1 + random.nextInt(3)];
        for (int i = 0; i < key.length; i++) {
            key[i] = ALPHABET[random.nextInt(ALPHABET.length)];
        }
        return key;
    }

    private static byte[] randomBound(Random random) {
        return random.nextInt(10) == 0 ? new byte[0] : randomKey(random);
    }

    static ListSnapshot snapshotOf(KvStateMachine source, long index) {
        final ListSnapshot snapshot = new ListSnapshot();
        try (var writer = snapshot.writer(new SnapshotMeta(index, 1, new byte[0], -1))) {
            source.snapshot(writer);
            writer.commit();
        }
        return snapshot;
    }

    static List<KeyValue> rangeOf(KvStateMachine subject, RangeOptions options) {
        return KvCodec.decodeRangeResult(subject.query(ByteBuffer.wrap(KvCodec.encodeRange(KvRange.from(options)))));
    }

    private byte[] apply(byte[] command) {
        return machine.apply(++index, ByteBuffer.wrap(command));
    }

    private byte[] query(byte[] query) {
        return machine.query(ByteBuffer.wrap(query));
    }

    private Optional<byte[]> get(String key) {
        return KvCodec.decodeGetResult(query(KvCodec.encodeGet(bytes(key))));
    }

    private List<KeyValue> range(RangeOptions options) {
        return rangeOf(machine, options);
    }

    private List<KeyValue> all() {
        return range(RangeOptions.all());
    }

    private static KeyValue kv(String key, String value) {
        return new KeyValue(bytes(key), bytes(value));
    }
}
