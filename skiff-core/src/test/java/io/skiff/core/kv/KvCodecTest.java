package io.skiff.core.kv;

import io.skiff.Batch;
import io.skiff.KeyValue;
import io.skiff.RangeOptions;
import io.skiff.SkiffException;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

class KvCodecTest {
    private static final long FUZZ_SEED = 0x5EEDC0DECL;

    @Test
    void putRoundTripsThroughTheHandler() {
        final byte[] command = KvCodec.encodePut(bytes("k"), bytes("value"));

        assertThat(decode(ByteBuffer.wrap(command))).containsExactly(put("k", "value"));
    }

    @Test
    void putLayoutIsOpCodeThenBigEndianLengths() {
        assertThat(KvCodec.encodePut(new byte[] {7}, new byte[] {8, 9}))
            .containsExactly(0x01, 0, 0, 0, 1, 7, 0, 0, 0, 2, 8, 9);
        assertThat(KvCodec.encodeDel(new byte[] {7})).containsExactly(0x02, 0, 0, 0, 1, 7);
    }

    @Test
    void putWithAnEmptyValueRoundTrips() {
        assertThat(decode(ByteBuffer.wrap(KvCodec.encodePut(bytes("k"), new byte[0])))).containsExactly(put("k", ""));
    }

    @Test
    void delRoundTripsThroughTheHandler() {
        assertThat(decode(ByteBuffer.wrap(KvCodec.encodeDel(bytes("gone"))))).containsExactly(del("gone"));
    }

    @Test
    void batchRoundTripsInOrder() {
        final Batch batch = Batch.create().put("a", "1").del("b").put("a", "2");

        assertThat(decode(ByteBuffer.wrap(KvCodec.encodeBatch(batch.operations()))))
            .containsExactly(put("a", "1"), del("b"), put("a", "2"));
    }

    @Test
    void emptyBatchDecodesToNothing() {
        assertThat(decode(ByteBuffer.wrap(KvCodec.encodeBatch(List.of())))).isEmpty();
    }

    @Test
    void commandDecodesBetweenPositionAndLimitInAnyByteOrder() {
        final byte[] command = KvCodec.encodePut(bytes("key"), bytes("v"));
        final ByteBuffer framed = ByteBuffer.allocate(command.length + 10);
        framed.position(4);
        framed.put(command);
        framed.put(new byte[] {9, 9, 9, 9, 9, 9});
        framed.position(4).limit(4 + command.length);
        framed.order(ByteOrder.LITTLE_ENDIAN);

        assertThat(decode(framed)).containsExactly(put("key", "v"));
        assertThat(framed.position()).isEqualTo(4);
        assertThat(framed.limit()).isEqualTo(4 + command.length);
        assertThat(framed.order()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void everyTruncationOfAValidCommandIsRejected() {
        final List<byte[]> commands = List.of(KvCodec.encodePut(bytes("key"), bytes("value")),
            KvCodec.encodeDel(bytes("key")),
            KvCodec.encodeBatch(Batch.create().put("a", "1").del("bb").put("ccc", "").operations()));
        for (byte[] command : commands) {
            for (int length = 0; length < command.length; length++) {
                final ByteBuffer truncated = ByteBuffer.wrap(Arrays.copyOf(command, length));
                assertThatThrownBy(() -> KvCodec.decodeCommand(truncated, KvCommandHandler.VALIDATE_ONLY))
                    .as("command %s truncated to %d bytes", Arrays.toString(command), length)
                    .isInstanceOf(KvFormatException.class);
            }
        }
    }

    @Test
    void trailingBytesAfterACommandAreRejected() {
        final byte[] command = KvCodec.encodeDel(bytes("key"));
        final byte[] padded = Arrays.copyOf(command, command.length + 1);

        assertThatThrownBy(() -> KvCodec.decodeCommand(ByteBuffer.wrap(padded), KvCommandHandler.VALIDATE_ONLY))
            .isInstanceOf(KvFormatException.class)
            .hasMessageContaining("1 trailing bytes");
    }

    @Test
    void lengthLargerThanTheRemainingBytesIsRejected() {
        final byte[] command = {KvCodec.PUT, 0x7F, (byte)0xFF, (byte)0xFF, (byte)0xFF, 1, 2, 3};

        assertThatThrownBy(() -> KvCodec.decodeCommand(ByteBuffer.wrap(command), KvCommandHandler.VALIDATE_ONLY))
            .isInstanceOf(KvFormatException.class)
            .hasMessageContaining("key length 2147483647 at offset 1 exceeds the 3 bytes that remain");
    }

    @Test
    void negativeAndZeroKeyLengthsAreRejected() {
        final byte[] negative = {KvCodec.DEL, (byte)0xFF, (byte)0xFF, (byte)0xFF, (byte)0xFF};
        final byte[] empty = {KvCodec.DEL, 0, 0, 0, 0};

        assertThatThrownBy(() -> KvCodec.decodeCommand(ByteBuffer.wrap(negative), KvCommandHandler.VALIDATE_ONLY))
            .isInstanceOf(KvFormatException.class).hasMessageContaining("key length -1");
        assertThatThrownBy(() -> KvCodec.decodeCommand(ByteBuffer.wrap(empty), KvCommandHandler.VALIDATE_ONLY))
            .isInstanceOf(KvFormatException.class).hasMessageContaining("expected at least 1");
    }

    @Test
    void batchCountBeyondWhatTheBytesCanHoldIsRejectedBeforeLooping() {
        final byte[] command = {KvCodec.BATCH, 0x7F, (byte)0xFF, (byte)0xFF, (byte)0xFF, KvCodec.DEL, 0, 0, 0, 1, 1};

        assertThatThrownBy(() -> KvCodec.decodeCommand(ByteBuffer.wrap(command), KvCommandHandler.VALIDATE_ONLY))
            .isInstanceOf(KvFormatException.class)
            .hasMessageContaining("batch operation count 2147483647")
            .hasMessageContaining("expected 0 to 1");
    }

    @Test
    void nestedBatchAndUnknownOpsAreRejected() {
        final byte[] nested = {KvCodec.BATCH, 0, 0, 0, 1, KvCodec.BATCH, 0, 0, 0, 0, 0};
        final byte[] unknown = {0x42, 0, 0, 0, 1, 1};

        assertThatThrownBy(() -> KvCodec.decodeCommand(ByteBuffer.wrap(nested), KvCommandHandler.VALIDATE_ONLY))
            .isInstanceOf(KvFormatException.class).hasMessageContaining("expected PUT (1) or DEL (2)");
        assertThatThrownBy(() -> KvCodec.decodeCommand(ByteBuffer.wrap(unknown), KvCommandHandler.VALIDATE_ONLY))
            .isInstanceOf(KvFormatException.class).hasMessageContaining("unknown command op 66");
        assertThatThrownBy(() -> KvCodec.decodeCommand(ByteBuffer.allocate(0), KvCommandHandler.VALIDATE_ONLY))
            .isInstanceOf(KvFormatException.class).hasMessageContaining("empty command");
    }

    @Test
    void getRoundTrips() {
        assertThat(KvCodec.decodeGet(ByteBuffer.wrap(KvCodec.encodeGet(bytes("key"))))).isEqualTo(bytes("key"));
    }

    @Test
    void everyRangeShapeRoundTrips() {
        final List<byte[]> bounds = Arrays.asList(null, new byte[0], bytes("m"), new byte[] {(byte)0xFF, 0});
        for (byte[] lower : bounds) {
            for (byte[] upper : bounds) {
                for (int bits = 0; bits < 32; bits++) {
                    final KvRange range = new KvRange(lower, null != lower && (bits & 1) != 0, upper,
                        null != upper && (bits & 2) != 0, (bits & 4) != 0, (bits & 1) * 7 - 1, (bits & 8) != 0,
                        (bits & 16) != 0);

                    assertThat(KvCodec.decodeRange(ByteBuffer.wrap(KvCodec.encodeRange(range)))).isEqualTo(range);
                }
            }
        }
    }

    @Test
    void rangeFromOptionsKeepsEveryField() {
        final RangeOptions options = RangeOptions.all().gt("a").lte("z").reverse(true).limit(5).keys(false);

        assertThat(KvRange.from(options)).isEqualTo(new KvRange(bytes("a"), false, bytes("z"), true, true, 5, false,
            true));
    }

    @Test
    void rangeWithReservedFlagOrInclusiveAbsentBoundOrBadLimitIsRejected() {
        final byte[] reserved = {KvCodec.RANGE, (byte)0x80, 0, 0, 0, 0};
        final byte[] inclusiveAbsent = {KvCodec.RANGE, KvCodec.FLAG_LOWER_INCLUSIVE, 0, 0, 0, 0};
        final byte[] badLimit = {KvCodec.RANGE, 0, (byte)0xFF, (byte)0xFF, (byte)0xFF, (byte)0xFE};
        final byte[] wrongOp = KvCodec.encodeGet(bytes("k"));

        assertThatThrownBy(() -> KvCodec.decodeRange(ByteBuffer.wrap(reserved)))
            .isInstanceOf(KvFormatException.class).hasMessageContaining("reserved bit");
        assertThatThrownBy(() -> KvCodec.decodeRange(ByteBuffer.wrap(inclusiveAbsent)))
            .isInstanceOf(KvFormatException.class).hasMessageContaining("absent bound inclusive");
        assertThatThrownBy(() -> KvCodec.decodeRange(ByteBuffer.wrap(badLimit)))
            .isInstanceOf(KvFormatException.class).hasMessageContaining("range limit -2");
        assertThatThrownBy(() -> KvCodec.decodeRange(ByteBuffer.wrap(wrongOp)))
            .isInstanceOf(KvFormatException.class).hasMessageContaining("expected a RANGE query");
    }

    @Test
    void everyTruncationOfAValidQueryIsRejected() {
        final byte[] get = KvCodec.encodeGet(bytes("key"));
        final byte[] range = KvCodec.encodeRange(KvRange.from(RangeOptions.all().gte("a").lt("b")));
        for (int length = 0; length < get.length; length++) {
            final ByteBuffer truncated = ByteBuffer.wrap(Arrays.copyOf(get, length));
            assertThatThrownBy(() -> KvCodec.decodeGet(truncated)).isInstanceOf(KvFormatException.class);
        }
        for (int length = 0; length < range.length; length++) {
            final ByteBuffer truncated = ByteBuffer.wrap(Arrays.copyOf(range, length));
            assertThatThrownBy(() -> KvCodec.decodeRange(truncated)).isInstanceOf(KvFormatException.class);
        }
    }

    @Test
    void getResultsRoundTrip() {
        assertThat(KvCodec.decodeGetResult(KvCodec.encodeGetResult(null))).isEmpty();
        assertThat(KvCodec.decodeGetResult(KvCodec.encodeGetResult(bytes("v")))).contains(bytes("v"));
        assertThat(KvCodec.decodeGetResult(KvCodec.encodeGetResult(new byte[0]))).contains(new byte[0]);
    }

    @Test
    void rangeResultsRoundTripWithOmittedHalves() {
        final List<Map.Entry<byte[], byte[]>> entries = List.of(entry("a", "1"), entry("b", ""));

        assertThat(KvCodec.decodeRangeResult(KvCodec.encodeRangeResult(entries, true, true)))
            .containsExactly(new KeyValue(bytes("a"), bytes("1")), new KeyValue(bytes("b"), new byte[0]));
        assertThat(KvCodec.decodeRangeResult(KvCodec.encodeRangeResult(entries, true, false)))
            .containsExactly(new KeyValue(bytes("a"), null), new KeyValue(bytes("b"), null));
        assertThat(KvCodec.decodeRangeResult(KvCodec.encodeRangeResult(entries, false, true)))
            .containsExactly(new KeyValue(null, bytes("1")), new KeyValue(null, new byte[0]));
        assertThat(KvCodec.decodeRangeResult(KvCodec.encodeRangeResult(List.of(), true, true))).isEmpty();
    }

    @Test
    void errorResultsBecomeSkiffExceptionsCarryingTheMessage() {
        final byte[] error = KvCodec.encodeError("bad key");

        assertThatThrownBy(() -> KvCodec.checkCommandResult(error))
            .isInstanceOf(SkiffException.class).hasMessageContaining("rejected the command: bad key");
        assertThatThrownBy(() -> KvCodec.decodeGetResult(error))
            .isInstanceOf(SkiffException.class).hasMessageContaining("rejected the get query: bad key");
        assertThatThrownBy(() -> KvCodec.decodeRangeResult(error))
            .isInstanceOf(SkiffException.class).hasMessageContaining("rejected the range query: bad key");
    }

    @Test
    void malformedResultsAreRejected() {
        assertThatThrownBy(() -> KvCodec.checkCommandResult(new byte[] {3}))
            .isInstanceOf(SkiffException.class).hasMessageContaining("malformed command result");
        assertThatThrownBy(() -> KvCodec.decodeGetResult(new byte[0]))
            .isInstanceOf(SkiffException.class).hasMessageContaining("malformed get result");
        assertThatThrownBy(() -> KvCodec.decodeGetResult(new byte[] {0, 1}))
            .isInstanceOf(SkiffException.class).hasMessageContaining("malformed get result");
        final byte[] range = KvCodec.encodeRangeResult(List.of(entry("a", "1")), true, true);
        for (int length = 0; length < range.length; length++) {
            final byte[] truncated = Arrays.copyOf(range, length);
            assertThatThrownBy(() -> KvCodec.decodeRangeResult(truncated)).isInstanceOf(SkiffException.class);
        }
        final byte[] padded = Arrays.copyOf(range, range.length + 1);
        assertThatThrownBy(() -> KvCodec.decodeRangeResult(padded))
            .isInstanceOf(SkiffException.class).hasMessageContaining("trailing bytes");
    }

    @Test
    void snapshotRecordsRoundTrip() {
        final ByteBuffer record = ByteBuffer.allocate(KvCodec.snapshotRecordLength(bytes("key"), bytes("value")));
        KvCodec.encodeSnapshotRecord(record, bytes("key"), bytes("value"));
        record.flip();

        assertThat(decodeRecord(record)).containsExactly(put("key", "value"));
        assertThat(record.array()).containsExactly(0, 0, 0, 3, 'k', 'e', 'y', 0, 0, 0, 5, 'v', 'a', 'l', 'u', 'e');
    }

    @Test
    void randomGarbageAndMutatedInputsNeverEscapeAsAnythingButFormatErrors() {
        final Random random = new Random(FUZZ_SEED);
        final List<byte[]> valid = List.of(KvCodec.encodePut(bytes("key"), bytes("value")),
            KvCodec.encodeBatch(Batch.create().put("a", "1").del("b").operations()),
            KvCodec.encodeGet(bytes("key")),
            KvCodec.encodeRange(KvRange.from(RangeOptions.all().gt("a").lte("q").limit(3))),
            KvCodec.encodeRangeResult(List.of(entry("a", "1"), entry("b", "2")), true, true));
        for (int round = 0; round < 20_000; round++) {
            final byte[] input;
            if (random.nextBoolean()) {
                input = new byte[random.nextInt(24)];
                random.nextBytes(input);
                if (input.length > 0) {
                    input[0] = (byte)(random.nextInt(4) == 0 ? random.nextInt(256) : pickOp(random));
                }
            } else {
                input = valid.get(random.nextInt(valid.size())).clone();
                final int mutations = 1 + random.nextInt(3);
                for (int i = 0; i < mutations && input.length > 0; i++) {
                    input[random.nextInt(input.length)] = (byte)random.nextInt(256);
                }
            }
            try {
                expectOnlyFormatErrors(input);
            } catch (RuntimeException | AssertionError e) {
                fail("seed " + FUZZ_SEED + ", round " + round + ", input " + Arrays.toString(input), e);
            }
        }
    }

    private static void expectOnlyFormatErrors(byte[] input) {
        tolerate(() -> KvCodec.decodeCommand(ByteBuffer.wrap(input), KvCommandHandler.VALIDATE_ONLY),
            KvFormatException.class);
        tolerate(() -> KvCodec.decodeGet(ByteBuffer.wrap(input)), KvFormatException.class);
        tolerate(() -> KvCodec.decodeRange(ByteBuffer.wrap(input)), KvFormatException.class);
        tolerate(() -> KvCodec.decodeSnapshotRecord(ByteBuffer.wrap(input), KvCommandHandler.VALIDATE_ONLY),
            KvFormatException.class);
        tolerate(() -> KvCodec.checkCommandResult(input), SkiffException.class);
        tolerate(() -> KvCodec.decodeGetResult(input), SkiffException.class);
        tolerate(() -> KvCodec.decodeRangeResult(input), SkiffException.class);
    }

    private static void tolerate(Runnable decode, Class<? extends RuntimeException> allowed) {
        try {
            decode.run();
        } catch (RuntimeException e) {
            if (!allowed.isInstance(e)) {
                throw e;
            }
        }
    }

    private static int pickOp(Random random) {
        final byte[] ops = {KvCodec.PUT, KvCodec.DEL, KvCodec.BATCH, KvCodec.GET, KvCodec.RANGE};
        return ops[random.nextInt(ops.length)];
    }

    static List<String> decode(ByteBuffer command) {
        final Recorder recorder = new Recorder();
        KvCodec.decodeCommand(command, recorder);
        return recorder.operations;
    }

    private static List<String> decodeRecord(ByteBuffer record) {
        final Recorder recorder = new Recorder();
        KvCodec.decodeSnapshotRecord(record, recorder);
        return recorder.operations;
    }

    private static String put(String key, String value) {
        return "put " + key + "=" + value;
    }

    private static String del(String key) {
        return "del " + key;
    }

    private static Map.Entry<byte[], byte[]> entry(String key, String value) {
        return new AbstractMap.SimpleImmutableEntry<>(bytes(key), bytes(value));
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    // Records operations as text, which compares by content.
    private static final class Recorder implements KvCommandHandler {
        private final List<String> operations = new ArrayList<>();

        @Override
        public void put(ByteBuffer buffer, int keyIndex, int keyLength, int valueIndex, int valueLength) {
            operations.add(KvCodecTest.put(text(buffer, keyIndex, keyLength), text(buffer, valueIndex, valueLength)));
        }

        @Override
        public void delete(ByteBuffer buffer, int keyIndex, int keyLength) {
            operations.add(del(text(buffer, keyIndex, keyLength)));
        }

        private static String text(ByteBuffer buffer, int index, int length) {
            final byte[] bytes = new byte[length];
            buffer.get(index, bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }
}
