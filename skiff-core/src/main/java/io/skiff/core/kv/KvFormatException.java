package io.skiff.core.kv;

/**
 * Bytes that do not follow the layout of {@link KvCodec}. Thrown by the decoders and caught at the edge of this
 * package: the state machine turns it into an error result, the facades into a {@link io.skiff.SkiffException}.
 */
final class KvFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    KvFormatException(String message) {
        super(message);
    }
}
