package io.skiff.core.codec;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static io.skiff.core.codec.FrameHeader.BYTE_ORDER;

/**
 * Layout of a command entry's payload: the client session that issued it, then the state machine command.
 *
 * <pre>
 *  0  Client Id (64)      a random id per node incarnation
 *  8  Sequence (64)       increasing per command of that client
 *  16 Floor (64)          every sequence below it is answered; the session may forget them
 *  24 Command            ...
 * </pre>
 *
 * The session makes retries idempotent (thesis §6.3): a retried command carries its original sequence, and the
 * applying side skips a sequence it has applied.
 */
public final class ClientCommand {
    public static final int CLIENT_ID_OFFSET = 0;
    public static final int SEQUENCE_OFFSET = 8;
    public static final int FLOOR_OFFSET = 16;
    public static final int HEADER_LENGTH = 24;

    private ClientCommand() {
    }

    public static void encodeHeader(MutableDirectBuffer buffer, int offset, long clientId, long sequence, long floor) {
        buffer.putLong(offset + CLIENT_ID_OFFSET, clientId, BYTE_ORDER);
        buffer.putLong(offset + SEQUENCE_OFFSET, sequence, BYTE_ORDER);
        buffer.putLong(offset + FLOOR_OFFSET, floor, BYTE_ORDER);
    }

    public static long clientId(DirectBuffer buffer, int offset) {
        return buffer.getLong(offset + CLIENT_ID_OFFSET, BYTE_ORDER);
    }

    public static long sequence(DirectBuffer buffer, int offset) {
        return buffer.getLong(offset + SEQUENCE_OFFSET, BYTE_ORDER);
    }

    public static long floor(DirectBuffer buffer, int offset) {
        return buffer.getLong(offset + FLOOR_OFFSET, BYTE_ORDER);
    }
}
