package io.skiff.core.kv;

import io.skiff.Batch;
import io.skiff.KeyValue;
import io.skiff.SkiffException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The binary format of the key-value state machine: commands (writes, replicated through the log), queries (reads),
 * their results, and snapshot records.
 *
 * <p>Every integer is a 32-bit two's-complement <b>big-endian</b> {@code int}, whatever the byte order of a buffer
 * handed in. Keys are at least one byte long, values and range bounds may be empty.
 *
 * <pre>
 * Commands                      (apply)
 *   PUT     [0x01][keyLen:int][key][valueLen:int][value]
 *   DEL     [0x02][keyLen:int][key]
 *   BATCH   [0x03][count:int] then count operations, each a PUT or a DEL laid out as above
 * Command results
 *   success []                                 an empty array, always the shared {@link #OK}
 *   error   [0xFF][message: UTF-8 to the end]
 * Queries                       (query)
 *   GET     [0x10][keyLen:int][key]
 *   RANGE   [0x11][flags:byte][limit:int] ([lowerLen:int][lower]) ([upperLen:int][upper])
 *           flags  0x01 lower bound present   0x02 lower bound inclusive
 *                  0x04 upper bound present   0x08 upper bound inclusive
 *                  0x10 reverse   0x20 return keys   0x40 return values   0x80 reserved, must be 0
 *           a bound is written only when present, lower first; inclusive needs present; limit is -1 (none) or &gt;= 0
 * Query results
 *   GET     [0x00]                             absent
 *           [0x01][value: to the end]          found
 *   RANGE   [0x00][count:int] then count entries [keyLen:int][key][valueLen:int][value],
 *           a length of -1 (and no bytes) for a half that was not asked for
 *   error   [0xFF][message: UTF-8 to the end]
 * Snapshot records              (one per entry, in ascending unsigned key order)
 *   [keyLen:int][key][valueLen:int][value]
 * </pre>
 *
 * <p>Decoding is strict: every length is checked against the bytes that remain before it is used, counts against
 * the smallest element that could follow, unknown op codes and flag bits are rejected, and so are trailing bytes.
 * Decoders of commands, queries and snapshot records throw {@link KvFormatException}; decoders of results, which run
 * in the facades, throw {@link SkiffException}. Decoders read buffers with absolute indices between position and
 * limit and never move them.
 */
final class KvCodec {
    static final byte PUT = 0x01;
    static final byte DEL = 0x02;
    static final byte BATCH = 0x03;
    static final byte GET = 0x10;
    static final byte RANGE = 0x11;

    static final byte STATUS_OK = 0x00;
    static final byte STATUS_ABSENT = 0x00;
    static final byte STATUS_FOUND = 0x01;
    static final byte STATUS_ERROR = (byte)0xFF;

    static final int FLAG_LOWER = 0x01;
    static final int FLAG_LOWER_INCLUSIVE = 0x02;
    static final int FLAG_UPPER = 0x04;
    static final int FLAG_UPPER_INCLUSIVE = 0x08;
    static final int FLAG_REVERSE = 0x10;
    static final int FLAG_KEYS = 0x20;
    static final int FLAG_VALUES = 0x40;
    static final int FLAG_RESERVED = 0x80;

    /** The length written for a half of a range entry that was not asked for. */
    static final int OMITTED = -1;

    /** The result of every successfully applied command; shared, so that applying allocates no result. */
    static final byte[] OK = new byte[0];

    /** The largest array this format produces: what a Java array can hold, less a margin some VMs reserve. */
    static final int MAX_ENCODED_BYTES = Integer.MAX_VALUE - 8;

    private static final int INT = Integer.BYTES;
    // The smallest batch operation is a DEL of a one-byte key; the smallest range entry omits both halves.
    private static final int MIN_BATCH_OPERATION = 1 + INT + 1;
    private static final int MIN_RANGE_ENTRY = 2 * INT;

    private KvCodec() {
    }

    // ---------------------------------------------------------------------------------------------- commands

    /**
     * @param key   the key, at least one byte.
     * @param value the value.
     * @return a PUT command.
     * @throws IllegalArgumentException when the command would exceed {@link #MAX_ENCODED_BYTES}.
     */
    static byte[] encodePut(byte[] key, byte[] value) {
        final ByteBuffer out = ByteBuffer.allocate(checkedSize(1L + putBodyLength(key, value), "put command"));
        out.put(PUT);
        writePutBody(out, key, value);
        return out.array();
    }

    /**
     * @param key the key, at least one byte.
     * @return a DEL command.
     * @throws IllegalArgumentException when the command would exceed {@link #MAX_ENCODED_BYTES}.
     */
    static byte[] encodeDel(byte[] key) {
        final ByteBuffer out = ByteBuffer.allocate(checkedSize(1L + INT + key.length, "del command"));
        out.put(DEL).putInt(key.length).put(key);
        return out.array();
    }

    /**
     * @param operations the puts and deletes, in order.
     * @return a BATCH command.
     * @throws IllegalArgumentException when the command would exceed {@link #MAX_ENCODED_BYTES}.
     */
    static byte[] encodeBatch(List<Batch.Operation> operations) {
        long size = 1L + INT;
        for (Batch.Operation operation : operations) {
            size += 1L + (operation.isDelete() ? INT + operation.key().length
                : putBodyLength(operation.key(), operation.value()));
        }
        final ByteBuffer out = ByteBuffer.allocate(checkedSize(size, "batch command"));
        out.put(BATCH).putInt(operations.size());
        for (Batch.Operation operation : operations) {
            if (operation.isDelete()) {
                out.put(DEL).putInt(operation.key().length).put(operation.key());
            } else {
                out.put(PUT);
                writePutBody(out, operation.key(), operation.value());
            }
        }
        return out.array();
    }

    /**
     * Decodes a command and hands each of its operations to a handler. A batch is handed over only as far as it is
     * valid, so callers that must not apply half a batch decode twice: once with
     * {@link KvCommandHandler#VALIDATE_ONLY}, then, the command known to be valid, with the handler that applies.
     *
     * @param command the command between position and limit.
     * @param handler receives the operations in order.
     * @throws KvFormatException when the command is malformed.
     */
    static void decodeCommand(ByteBuffer command, KvCommandHandler handler) {
        final int start = command.position();
        final int end = command.limit();
        if (start >= end) {
            throw new KvFormatException("empty command: expected an op code, PUT (1), DEL (2) or BATCH (3)");
        }
        final byte op = command.get(start);
        final int index;
        switch (op) {
            case PUT -> index = decodePutBody(command, start, start + 1, end, handler);
            case DEL -> index = decodeDelBody(command, start, start + 1, end, handler);
            case BATCH -> index = decodeBatchBody(command, start, start + 1, end, handler);
            default -> throw new KvFormatException("unknown command op " + op + ": expected PUT (1), DEL (2) or "
                + "BATCH (3)");
        }
        requireEnd(index, start, end, "command");
    }

    // ----------------------------------------------------------------------------------------------- queries

    /**
     * @param key the key, at least one byte.
     * @return a GET query.
     * @throws IllegalArgumentException when the query would exceed {@link #MAX_ENCODED_BYTES}.
     */
    static byte[] encodeGet(byte[] key) {
        final ByteBuffer out = ByteBuffer.allocate(checkedSize(1L + INT + key.length, "get query"));
        out.put(GET).putInt(key.length).put(key);
        return out.array();
    }

    /**
     * @param range the range.
     * @return a RANGE query.
     * @throws IllegalArgumentException when the query would exceed {@link #MAX_ENCODED_BYTES}.
     */
    static byte[] encodeRange(KvRange range) {
        int flags = 0;
        long size = 1L + 1 + INT;
        if (null != range.lower()) {
            flags |= FLAG_LOWER | (range.lowerInclusive() ? FLAG_LOWER_INCLUSIVE : 0);
            size += INT + range.lower().length;
        }
        if (null != range.upper()) {
            flags |= FLAG_UPPER | (range.upperInclusive() ? FLAG_UPPER_INCLUSIVE : 0);
            size += INT + range.upper().length;
        }
        flags |= (range.reverse() ? FLAG_REVERSE : 0) | (range.keys() ? FLAG_KEYS : 0)
            | (range.values() ? FLAG_VALUES : 0);
        final ByteBuffer out = ByteBuffer.allocate(checkedSize(size, "range query"));
        out.put(RANGE).put((byte)flags).putInt(range.limit());
        if (null != range.lower()) {
            out.putInt(range.lower().length).put(range.lower());
        }
        if (null != range.upper()) {
            out.putInt(range.upper().length).put(range.upper());
        }
        return out.array();
    }

    /**
     * @param query the query between position and limit.
     * @return its op code, {@link #GET} or {@link #RANGE} when well formed.
     * @throws KvFormatException when the query is empty.
     */
    static byte queryOp(ByteBuffer query) {
        if (!query.hasRemaining()) {
            throw new KvFormatException("empty query: expected an op code, GET (16) or RANGE (17)");
        }
        return query.get(query.position());
    }

    /**
     * @param query a GET query between position and limit.
     * @return the key.
     * @throws KvFormatException when the query is malformed.
     */
    static byte[] decodeGet(ByteBuffer query) {
        final int start = query.position();
        final int end = query.limit();
        requireOp(query, start, end, GET, "GET");
        final int keyLength = readLength(query, start, start + 1, end, 1, "key");
        final byte[] key = copy(query, start + 1 + INT, keyLength);
        requireEnd(start + 1 + INT + keyLength, start, end, "get query");
        return key;
    }

    /**
     * @param query a RANGE query between position and limit.
     * @return the range.
     * @throws KvFormatException when the query is malformed.
     */
    static KvRange decodeRange(ByteBuffer query) {
        final int start = query.position();
        final int end = query.limit();
        requireOp(query, start, end, RANGE, "RANGE");
        int index = start + 1;
        if (end - index < 1 + INT) {
            throw new KvFormatException("truncated range query at offset " + (index - start) + ": expected 5 bytes "
                + "of flags and limit, " + (end - index) + " remain");
        }
        final int flags = query.get(index) & 0xFF;
        if ((flags & FLAG_RESERVED) != 0) {
            throw new KvFormatException("range flags " + flags + " set the reserved bit 0x80: expected it clear");
        }
        if ((flags & FLAG_LOWER_INCLUSIVE) != 0 && (flags & FLAG_LOWER) == 0
            || (flags & FLAG_UPPER_INCLUSIVE) != 0 && (flags & FLAG_UPPER) == 0) {
            throw new KvFormatException("range flags " + flags + " make an absent bound inclusive: expected an "
                + "inclusive bit only with its bound");
        }
        final int limit = readInt(query, index + 1);
        if (limit < -1) {
            throw new KvFormatException("range limit " + limit + ": expected -1 (none) or at least 0");
        }
        index += 1 + INT;
        byte[] lower = null;
        if ((flags & FLAG_LOWER) != 0) {
            final int length = readLength(query, start, index, end, 0, "lower bound");
            lower = copy(query, index + INT, length);
            index += INT + length;
        }
        byte[] upper = null;
        if ((flags & FLAG_UPPER) != 0) {
            final int length = readLength(query, start, index, end, 0, "upper bound");
            upper = copy(query, index + INT, length);
            index += INT + length;
        }
        requireEnd(index, start, end, "range query");
        return new KvRange(lower, (flags & FLAG_LOWER_INCLUSIVE) != 0, upper, (flags & FLAG_UPPER_INCLUSIVE) != 0,
            (flags & FLAG_REVERSE) != 0, limit, (flags & FLAG_KEYS) != 0, (flags & FLAG_VALUES) != 0);
    }

    // ----------------------------------------------------------------------------------------------- results

    /**
     * @param message what was wrong.
     * @return an error result, for a command or a query.
     */
    static byte[] encodeError(String message) {
        final byte[] text = message.getBytes(StandardCharsets.UTF_8);
        final byte[] result = new byte[1 + text.length];
        result[0] = STATUS_ERROR;
        System.arraycopy(text, 0, result, 1, text.length);
        return result;
    }

    /**
     * Checks the result of an applied command.
     *
     * @param result what the state machine returned.
     * @throws SkiffException carrying the state machine's message when it rejected the command, or when the result
     *                        is neither success nor an error.
     */
    static void checkCommandResult(byte[] result) {
        if (result.length == 0) {
            return;
        }
        if (result[0] == STATUS_ERROR) {
            throw new SkiffException("the kv state machine rejected the command: " + errorMessage(result));
        }
        throw new SkiffException("malformed command result: expected an empty array or an error (status -1), "
            + "actual " + result.length + " bytes with status " + result[0]);
    }

    /**
     * @param value the value found, or {@code null} when the key is absent.
     * @return a GET result.
     */
    static byte[] encodeGetResult(byte[] value) {
        if (null == value) {
            return new byte[] {STATUS_ABSENT};
        }
        final byte[] result = new byte[1 + value.length];
        result[0] = STATUS_FOUND;
        System.arraycopy(value, 0, result, 1, value.length);
        return result;
    }

    /**
     * @param result a GET result.
     * @return the value, or empty when the key is absent.
     * @throws SkiffException when the result is an error or malformed.
     */
    static Optional<byte[]> decodeGetResult(byte[] result) {
        if (result.length == 1 && result[0] == STATUS_ABSENT) {
            return Optional.empty();
        }
        if (result.length >= 1 && result[0] == STATUS_FOUND) {
            final byte[] value = new byte[result.length - 1];
            System.arraycopy(result, 1, value, 0, value.length);
            return Optional.of(value);
        }
        throw resultError(result, "get", "[0] when absent or [1][value] when found");
    }

    /**
     * @param entries the entries selected, in the order to return them.
     * @param keys    whether to include keys.
     * @param values  whether to include values.
     * @return a RANGE result.
     * @throws KvFormatException when the result would exceed {@link #MAX_ENCODED_BYTES}.
     */
    static byte[] encodeRangeResult(List<Map.Entry<byte[], byte[]>> entries, boolean keys, boolean values) {
        long size = 1L + INT;
        for (Map.Entry<byte[], byte[]> entry : entries) {
            size += 2L * INT + (keys ? entry.getKey().length : 0) + (values ? entry.getValue().length : 0);
        }
        if (size > MAX_ENCODED_BYTES) {
            throw new KvFormatException("range result of " + size + " bytes exceeds the limit of "
                + MAX_ENCODED_BYTES + " bytes: expected a narrower range or a limit");
        }
        final ByteBuffer out = ByteBuffer.allocate((int)size);
        out.put(STATUS_OK).putInt(entries.size());
        for (Map.Entry<byte[], byte[]> entry : entries) {
            writeOptional(out, keys ? entry.getKey() : null);
            writeOptional(out, values ? entry.getValue() : null);
        }
        return out.array();
    }

    /**
     * @param result a RANGE result.
     * @return the entries, with {@code null} for halves that were not asked for.
     * @throws SkiffException when the result is an error or malformed.
     */
    static List<KeyValue> decodeRangeResult(byte[] result) {
        if (result.length < 1 || result[0] != STATUS_OK) {
            throw resultError(result, "range", "[0][count][entries]");
        }
        try {
            final ByteBuffer in = ByteBuffer.wrap(result);
            final int end = result.length;
            final int count = readCount(in, 0, 1, end, MIN_RANGE_ENTRY, "range entry");
            final List<KeyValue> entries = new ArrayList<>(count);
            int index = 1 + INT;
            for (int i = 0; i < count; i++) {
                final int keyLength = readLength(in, 0, index, end, OMITTED, "entry key");
                index += INT;
                final byte[] key = OMITTED == keyLength ? null : copy(in, index, keyLength);
                index += Math.max(keyLength, 0);
                final int valueLength = readLength(in, 0, index, end, OMITTED, "entry value");
                index += INT;
                final byte[] value = OMITTED == valueLength ? null : copy(in, index, valueLength);
                index += Math.max(valueLength, 0);
                entries.add(new KeyValue(key, value));
            }
            requireEnd(index, 0, end, "range result");
            return entries;
        } catch (KvFormatException e) {
            throw new SkiffException("malformed range result: " + e.getMessage());
        }
    }

    // -------------------------------------------------------------------------------------- snapshot records

    /**
     * @param key   the key.
     * @param value the value.
     * @return the length of the entry's snapshot record.
     * @throws IllegalArgumentException when the record would exceed {@link #MAX_ENCODED_BYTES}.
     */
    static int snapshotRecordLength(byte[] key, byte[] value) {
        return checkedSize(putBodyLength(key, value), "snapshot record");
    }

    /**
     * Writes one entry's snapshot record at the buffer's position, advancing it.
     *
     * @param out   a big-endian buffer with {@link #snapshotRecordLength} bytes remaining.
     * @param key   the key.
     * @param value the value.
     */
    static void encodeSnapshotRecord(ByteBuffer out, byte[] key, byte[] value) {
        writePutBody(out, key, value);
    }

    /**
     * Decodes one snapshot record, handing it to the handler as a put.
     *
     * @param record  the record between position and limit.
     * @param handler receives the entry.
     * @throws KvFormatException when the record is malformed.
     */
    static void decodeSnapshotRecord(ByteBuffer record, KvCommandHandler handler) {
        final int start = record.position();
        final int end = record.limit();
        requireEnd(decodePutBody(record, start, start, end, handler), start, end, "snapshot record");
    }

    // ------------------------------------------------------------------------------------------- internals

    private static long putBodyLength(byte[] key, byte[] value) {
        return 2L * INT + key.length + value.length;
    }

    private static void writePutBody(ByteBuffer out, byte[] key, byte[] value) {
        out.putInt(key.length).put(key).putInt(value.length).put(value);
    }

    private static void writeOptional(ByteBuffer out, byte[] bytes) {
        if (null == bytes) {
            out.putInt(OMITTED);
        } else {
            out.putInt(bytes.length).put(bytes);
        }
    }

    private static int decodePutBody(ByteBuffer in, int start, int index, int end, KvCommandHandler handler) {
        final int keyLength = readLength(in, start, index, end, 1, "key");
        final int keyIndex = index + INT;
        final int valueLength = readLength(in, start, keyIndex + keyLength, end, 0, "value");
        final int valueIndex = keyIndex + keyLength + INT;
        handler.put(in, keyIndex, keyLength, valueIndex, valueLength);
        return valueIndex + valueLength;
    }

    private static int decodeDelBody(ByteBuffer in, int start, int index, int end, KvCommandHandler handler) {
        final int keyLength = readLength(in, start, index, end, 1, "key");
        handler.delete(in, index + INT, keyLength);
        return index + INT + keyLength;
    }

    private static int decodeBatchBody(ByteBuffer in, int start, int index, int end, KvCommandHandler handler) {
        final int count = readCount(in, start, index, end, MIN_BATCH_OPERATION, "batch operation");
        int next = index + INT;
        for (int i = 0; i < count; i++) {
            if (next >= end) {
                throw new KvFormatException("truncated batch: operation " + i + " of " + count + " missing at offset "
                    + (next - start));
            }
            final byte op = in.get(next);
            switch (op) {
                case PUT -> next = decodePutBody(in, start, next + 1, end, handler);
                case DEL -> next = decodeDelBody(in, start, next + 1, end, handler);
                default -> throw new KvFormatException("batch operation " + i + " at offset " + (next - start)
                    + " has op " + op + ": expected PUT (1) or DEL (2)");
            }
        }
        return next;
    }

    private static void requireOp(ByteBuffer in, int start, int end, byte op, String name) {
        if (start >= end || in.get(start) != op) {
            throw new KvFormatException("expected a " + name + " query (op " + op + "), actual "
                + (start >= end ? "an empty one" : "op " + in.get(start)));
        }
    }

    // A length field at index: at least min, and no longer than what remains after it (-1 takes no bytes).
    private static int readLength(ByteBuffer in, int start, int index, int end, int min, String what) {
        if (end - index < INT) {
            throw new KvFormatException("truncated " + what + " length at offset " + (index - start)
                + ": expected 4 bytes, " + Math.max(end - index, 0) + " remain");
        }
        final int length = readInt(in, index);
        if (length < min) {
            throw new KvFormatException(what + " length " + length + " at offset " + (index - start)
                + ": expected at least " + min);
        }
        if (length > end - index - INT) {
            throw new KvFormatException(what + " length " + length + " at offset " + (index - start)
                + " exceeds the " + (end - index - INT) + " bytes that remain");
        }
        return length;
    }

    // A count field at index, bounded by how many of the smallest element the remaining bytes could hold, so that a
    // forged count cannot make a decoder allocate or loop beyond the input's size.
    private static int readCount(ByteBuffer in, int start, int index, int end, int minElement, String what) {
        if (end - index < INT) {
            throw new KvFormatException("truncated " + what + " count at offset " + (index - start)
                + ": expected 4 bytes, " + Math.max(end - index, 0) + " remain");
        }
        final int count = readInt(in, index);
        final int room = (end - index - INT) / minElement;
        if (count < 0 || count > room) {
            throw new KvFormatException(what + " count " + count + " at offset " + (index - start) + ": expected 0 to "
                + room + ", as many as the " + (end - index - INT) + " remaining bytes can hold");
        }
        return count;
    }

    private static void requireEnd(int index, int start, int end, String what) {
        if (index != end) {
            throw new KvFormatException(what + " has " + (end - index) + " trailing bytes after offset "
                + (index - start) + ": expected it to end there");
        }
    }

    private static int readInt(ByteBuffer in, int index) {
        final int value = in.getInt(index);
        return in.order() == ByteOrder.BIG_ENDIAN ? value : Integer.reverseBytes(value);
    }

    private static byte[] copy(ByteBuffer in, int index, int length) {
        final byte[] bytes = new byte[length];
        in.get(index, bytes);
        return bytes;
    }

    private static int checkedSize(long size, String what) {
        if (size > MAX_ENCODED_BYTES) {
            throw new IllegalArgumentException(what + " of " + size + " bytes exceeds the limit of "
                + MAX_ENCODED_BYTES + " bytes");
        }
        return (int)size;
    }

    private static String errorMessage(byte[] result) {
        return new String(result, 1, result.length - 1, StandardCharsets.UTF_8);
    }

    private static SkiffException resultError(byte[] result, String what, String expected) {
        if (result.length >= 1 && result[0] == STATUS_ERROR) {
            return new SkiffException("the kv state machine rejected the " + what + " query: " + errorMessage(result));
        }
        return new SkiffException("malformed " + what + " result: expected " + expected + ", actual "
            + result.length + " bytes" + (result.length == 0 ? "" : " with status " + result[0]));
    }
}
