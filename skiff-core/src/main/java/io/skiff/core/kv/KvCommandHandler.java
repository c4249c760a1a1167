package io.skiff.core.kv;

import java.nio.ByteBuffer;

/**
 * Receives the operations of a decoded command as absolute ranges of the command's buffer, so that decoding copies
 * nothing: the handler copies what it keeps. Indices are valid only during the call.
 */
interface KvCommandHandler {
    /** Accepts every operation and keeps nothing: decoding with it only validates. */
    KvCommandHandler VALIDATE_ONLY = new KvCommandHandler() {
        @Override
        public void put(ByteBuffer buffer, int keyIndex, int keyLength, int valueIndex, int valueLength) {
        }

        @Override
        public void delete(ByteBuffer buffer, int keyIndex, int keyLength) {
        }
    };

    /**
     * A put of the key at {@code keyIndex} to the value at {@code valueIndex}.
     *
     * @param buffer      the command.
     * @param keyIndex    absolute index of the key's first byte.
     * @param keyLength   key length, at least 1.
     * @param valueIndex  absolute index of the value's first byte.
     * @param valueLength value length, at least 0.
     */
    void put(ByteBuffer buffer, int keyIndex, int keyLength, int valueIndex, int valueLength);

    /**
     * A delete of the key at {@code keyIndex}.
     *
     * @param buffer    the command.
     * @param keyIndex  absolute index of the key's first byte.
     * @param keyLength key length, at least 1.
     */
    void delete(ByteBuffer buffer, int keyIndex, int keyLength);
}
