package io.skiff.core.codec;

import org.agrona.DirectBuffer;

import static io.skiff.core.codec.FrameHeader.BYTE_ORDER;
import static io.skiff.core.codec.MessageLayout.*;

/**
 * Validates a frame completely, then resolves its sender, then hands it to a {@link MessageHandler}. A frame that
 * fails any check is dropped before the resolver or the handler sees any of it, so a malformed frame can never
 * change Raft state nor make the receiver admit a sender; the result code says why, and
 * {@link #describeLastError()} explains it (building the text only when asked).
 *
 * @param <P> the receiver's peer type.
 */
public final class FrameDecoder<P> {
    public static final int OK = 0;
    public static final int MALFORMED = 1;
    public static final int WRONG_CLUSTER = 2;
    public static final int UNKNOWN_SENDER = 3;
    public static final int UNSUPPORTED_VERSION = 4;
    public static final int NOT_AUTHENTIC = 5;

    /** The header gives the sender's length in one byte. */
    private static final int MAX_SENDER_LENGTH = 255;

    private final long clusterId;
    private final SenderResolver<P> resolver;
    private final FrameAuthenticator authenticator;
    private final Checksums checksums = new Checksums();
    private final EntryBatch entryBatch = new EntryBatch();
    private final CommandBatch commandBatch = new CommandBatch();
    private final SnapshotChunk snapshotChunk = new SnapshotChunk();

    private String errorWhat;
    private long errorExpected;
    private long errorActual;
    /** The refused sender's address bytes, copied so that the buffer may be reused before the error is told. */
    private final byte[] errorSender = new byte[MAX_SENDER_LENGTH];
    private int errorSenderLength;
    private int errorType;

    public FrameDecoder(long clusterId, SenderResolver<P> resolver) {
        this(clusterId, resolver, null);
    }

    /**
     * @param authenticator verifies every frame's MAC, or {@code null} to accept frames without checking one.
     */
    public FrameDecoder(long clusterId, SenderResolver<P> resolver, FrameAuthenticator authenticator) {
        this.clusterId = clusterId;
        this.resolver = resolver;
        this.authenticator = authenticator;
    }

    /**
     * Decodes one frame.
     *
     * @return {@link #OK} when the handler was called, else why the frame was dropped; {@link #UNKNOWN_SENDER} when
     * the resolver refused the sender for this type of message.
     */
    public int decode(DirectBuffer buffer, int offset, int length, MessageHandler<P> handler) {
        if (length < FrameHeader.LENGTH) {
            return error(MALFORMED, "frame length", FrameHeader.LENGTH, length);
        }
        if (FrameHeader.magic(buffer, offset) != FrameHeader.MAGIC) {
            return error(MALFORMED, "magic", FrameHeader.MAGIC, FrameHeader.magic(buffer, offset));
        }
        final int version = FrameHeader.version(buffer, offset);
        if (version != FrameHeader.VERSION) {
            return error(UNSUPPORTED_VERSION, "version", FrameHeader.VERSION, version);
        }
        final int type = FrameHeader.type(buffer, offset);
        if (!MessageType.isKnown(type)) {
            return error(MALFORMED, "known message type", MessageType.COUNT - 1, type);
        }
        final int senderLength = FrameHeader.senderLength(buffer, offset);
        final int bodyLength = FrameHeader.bodyLength(buffer, offset);
        final int macLength = (FrameHeader.flags(buffer, offset) & FrameHeader.FLAG_AUTHENTICATED) != 0
            ? FrameHeader.MAC_LENGTH : 0;
        if (senderLength == 0) {
            return error(MALFORMED, "sender length > 0", 1, 0);
        }
        if (bodyLength < 0 || (long)FrameHeader.LENGTH + senderLength + bodyLength + macLength != length) {
            return error(MALFORMED, "frame length from header", (long)FrameHeader.LENGTH + senderLength + bodyLength
                + macLength, length);
        }
        final long frameClusterId = FrameHeader.clusterId(buffer, offset);
        if (frameClusterId != clusterId) {
            return error(WRONG_CLUSTER, "cluster id", clusterId, frameClusterId);
        }
        if (null != authenticator && !authenticator.verify(buffer, offset, length)) {
            return error(NOT_AUTHENTIC, "MAC from a shared key", 1, 0);
        }
        final long term = FrameHeader.term(buffer, offset);
        if (term < 0) {
            return error(MALFORMED, "non-negative term", 0, term);
        }
        final int body = offset + FrameHeader.SENDER_OFFSET + senderLength;
        final int valid = validateBody(type, buffer, body, bodyLength, term);
        if (valid != OK) {
            return valid;
        }
        final P from = resolver.resolve(type, buffer, offset + FrameHeader.SENDER_OFFSET, senderLength);
        if (null == from) {
            buffer.getBytes(offset + FrameHeader.SENDER_OFFSET, errorSender, 0, senderLength);
            errorSenderLength = senderLength;
            errorType = type;
            return error(UNKNOWN_SENDER, null, 0, 0);
        }
        dispatch(type, buffer, body, bodyLength, from, term, handler);
        return OK;
    }

    /**
     * Checks the body against its type; variable bodies are walked to the end, and their views prepared for
     * {@link #dispatch}.
     */
    private int validateBody(int type, DirectBuffer buffer, int body, int bodyLength, long term) {
        switch (type) {
            case MessageType.APPEND_REQUEST:
                return appendRequest(buffer, body, bodyLength, term);
            case MessageType.APPEND_RESPONSE:
                return fixedBody(APPEND_RESPONSE_LENGTH, bodyLength);
            case MessageType.HEARTBEAT:
                return fixedBody(HEARTBEAT_LENGTH, bodyLength);
            case MessageType.HEARTBEAT_RESPONSE:
                return fixedBody(HEARTBEAT_RESPONSE_LENGTH, bodyLength);
            case MessageType.VOTE_REQUEST:
            case MessageType.PRE_VOTE_REQUEST:
                return fixedBody(VOTE_LENGTH, bodyLength);
            case MessageType.VOTE_RESPONSE:
            case MessageType.PRE_VOTE_RESPONSE:
                return fixedBody(VOTE_RESPONSE_LENGTH, bodyLength);
            case MessageType.TIMEOUT_NOW:
                return fixedBody(0, bodyLength);
            case MessageType.CLIENT_REQUEST:
                return clientRequest(buffer, body, bodyLength);
            case MessageType.CLIENT_REJECT: {
                if (bodyLength < CLIENT_REJECT_LEADER) {
                    return bodyLengthError(CLIENT_REJECT_LEADER, bodyLength);
                }
                final int leaderLength = buffer.getByte(body + CLIENT_REJECT_LEADER_LENGTH) & 0xFF;
                return fixedBody(CLIENT_REJECT_LEADER + leaderLength, bodyLength);
            }
            case MessageType.READ_INDEX_REQUEST:
                return fixedBody(READ_INDEX_LENGTH, bodyLength);
            case MessageType.READ_INDEX_RESPONSE:
                return fixedBody(READ_INDEX_RESPONSE_LENGTH, bodyLength);
            case MessageType.PEERS_REQUEST:
                return fixedBody(PEERS_LENGTH, bodyLength);
            case MessageType.PEERS_RESPONSE:
                return peersResponse(buffer, body, bodyLength);
            case MessageType.INSTALL_SNAPSHOT:
                return installSnapshot(buffer, body, bodyLength, term);
            case MessageType.INSTALL_SNAPSHOT_RESPONSE:
                return fixedBody(SNAPSHOT_RESPONSE_LENGTH, bodyLength);
            case MessageType.MEMBERSHIP_REQUEST: {
                if (bodyLength < MEMBERSHIP_ADDRESS) {
                    return bodyLengthError(MEMBERSHIP_ADDRESS, bodyLength);
                }
                final int operation = buffer.getByte(body + MEMBERSHIP_OPERATION) & 0xFF;
                final int addressLength = buffer.getByte(body + MEMBERSHIP_ADDRESS_LENGTH) & 0xFF;
                if (operation < MEMBERSHIP_JOIN || operation > MEMBERSHIP_TRANSFER || addressLength == 0
                    || bodyLength != MEMBERSHIP_ADDRESS + addressLength) {
                    return error(MALFORMED, "membership request body length", MEMBERSHIP_ADDRESS + addressLength,
                        bodyLength);
                }
                return OK;
            }
            case MessageType.MEMBERSHIP_RESPONSE: {
                if (bodyLength < MEMBERSHIP_RESPONSE_MESSAGE) {
                    return bodyLengthError(MEMBERSHIP_RESPONSE_MESSAGE, bodyLength);
                }
                final int messageLength = buffer.getShort(body + MEMBERSHIP_RESPONSE_MESSAGE_LENGTH, BYTE_ORDER)
                    & 0xFFFF;
                return fixedBody(MEMBERSHIP_RESPONSE_MESSAGE + messageLength, bodyLength);
            }
            default:
                return error(MALFORMED, "known message type", MessageType.COUNT - 1, type);
        }
    }

    /** Hands a validated frame to the handler. */
    private void dispatch(int type, DirectBuffer buffer, int body, int bodyLength, P from, long term,
        MessageHandler<P> handler) {
        switch (type) {
            case MessageType.APPEND_REQUEST:
                handler.onAppendRequest(from, term, buffer.getLong(body + APPEND_PREV_INDEX, BYTE_ORDER),
                    buffer.getLong(body + APPEND_PREV_TERM, BYTE_ORDER), buffer.getLong(body + APPEND_COMMIT,
                    BYTE_ORDER), entryBatch);
                break;
            case MessageType.APPEND_RESPONSE:
                handler.onAppendResponse(from, term, buffer.getByte(body + APPEND_RESPONSE_SUCCESS) != 0,
                    buffer.getLong(body + APPEND_RESPONSE_INDEX, BYTE_ORDER),
                    buffer.getLong(body + APPEND_RESPONSE_HINT_INDEX, BYTE_ORDER),
                    buffer.getLong(body + APPEND_RESPONSE_HINT_TERM, BYTE_ORDER));
                break;
            case MessageType.HEARTBEAT:
                handler.onHeartbeat(from, term, buffer.getLong(body + HEARTBEAT_COMMIT, BYTE_ORDER),
                    buffer.getLong(body + HEARTBEAT_READ_SEQ, BYTE_ORDER));
                break;
            case MessageType.HEARTBEAT_RESPONSE:
                handler.onHeartbeatResponse(from, term, buffer.getLong(body + HEARTBEAT_RESPONSE_READ_SEQ, BYTE_ORDER));
                break;
            case MessageType.VOTE_REQUEST:
            case MessageType.PRE_VOTE_REQUEST:
                handler.onVoteRequest(from, term, type == MessageType.PRE_VOTE_REQUEST,
                    buffer.getLong(body + VOTE_LAST_INDEX, BYTE_ORDER),
                    buffer.getLong(body + VOTE_LAST_TERM, BYTE_ORDER),
                    (buffer.getByte(body + VOTE_FLAGS) & VOTE_FLAG_TRANSFER) != 0,
                    buffer.getLong(body + VOTE_ROUND, BYTE_ORDER));
                break;
            case MessageType.VOTE_RESPONSE:
            case MessageType.PRE_VOTE_RESPONSE:
                handler.onVoteResponse(from, term, type == MessageType.PRE_VOTE_RESPONSE,
                    buffer.getByte(body + VOTE_RESPONSE_GRANTED) != 0,
                    buffer.getLong(body + VOTE_RESPONSE_ROUND, BYTE_ORDER));
                break;
            case MessageType.TIMEOUT_NOW:
                handler.onTimeoutNow(from, term);
                break;
            case MessageType.CLIENT_REQUEST:
                handler.onClientRequest(from, term, commandBatch);
                break;
            case MessageType.CLIENT_REJECT:
                handler.onClientReject(from, term, buffer, body + CLIENT_REJECT_LEADER,
                    bodyLength - CLIENT_REJECT_LEADER);
                break;
            case MessageType.READ_INDEX_REQUEST:
                handler.onReadIndexRequest(from, term, buffer.getLong(body + READ_INDEX_REQUEST_ID, BYTE_ORDER));
                break;
            case MessageType.READ_INDEX_RESPONSE:
                handler.onReadIndexResponse(from, term,
                    buffer.getLong(body + READ_INDEX_RESPONSE_REQUEST_ID, BYTE_ORDER),
                    buffer.getLong(body + READ_INDEX_RESPONSE_INDEX, BYTE_ORDER),
                    buffer.getByte(body + READ_INDEX_RESPONSE_SUCCESS) != 0);
                break;
            case MessageType.PEERS_REQUEST:
                handler.onPeersRequest(from, term, buffer.getLong(body + PEERS_REQUEST_ID, BYTE_ORDER));
                break;
            case MessageType.PEERS_RESPONSE:
                handler.onPeersResponse(from, term, buffer.getLong(body + PEERS_RESPONSE_REQUEST_ID, BYTE_ORDER),
                    buffer, body + PEERS_RESPONSE_PEERS, buffer.getInt(body + PEERS_RESPONSE_COUNT, BYTE_ORDER));
                break;
            case MessageType.INSTALL_SNAPSHOT:
                handler.onInstallSnapshot(from, term, snapshotChunk);
                break;
            case MessageType.INSTALL_SNAPSHOT_RESPONSE:
                handler.onInstallSnapshotResponse(from, term,
                    buffer.getLong(body + SNAPSHOT_RESPONSE_INDEX, BYTE_ORDER),
                    buffer.getLong(body + SNAPSHOT_RESPONSE_TERM, BYTE_ORDER),
                    buffer.getLong(body + SNAPSHOT_RESPONSE_NEXT_OFFSET, BYTE_ORDER),
                    buffer.getByte(body + SNAPSHOT_RESPONSE_SUCCESS) != 0);
                break;
            case MessageType.MEMBERSHIP_REQUEST:
                handler.onMembershipRequest(from, term, buffer.getLong(body + MEMBERSHIP_REQUEST_ID, BYTE_ORDER),
                    buffer.getByte(body + MEMBERSHIP_OPERATION) & 0xFF, buffer, body + MEMBERSHIP_ADDRESS,
                    buffer.getByte(body + MEMBERSHIP_ADDRESS_LENGTH) & 0xFF);
                break;
            case MessageType.MEMBERSHIP_RESPONSE:
                handler.onMembershipResponse(from, term, buffer.getLong(body + MEMBERSHIP_RESPONSE_REQUEST_ID,
                    BYTE_ORDER), buffer.getByte(body + MEMBERSHIP_RESPONSE_STATUS) & 0xFF, buffer,
                    body + MEMBERSHIP_RESPONSE_MESSAGE, bodyLength - MEMBERSHIP_RESPONSE_MESSAGE);
                break;
            default:
                throw new IllegalStateException("expected a type that passed validation, actual " + type);
        }
    }

    /** @return what the last failed {@link #decode} found, as "expected X, actual Y". */
    public String describeLastError() {
        if (errorSenderLength > 0) {
            return "refused sender of a " + MessageType.name(errorType) + " frame: expected a member of this node's "
                + "configuration (or, for a Raft RPC, a well-formed address of another node), actual '"
                + printable(errorSender, errorSenderLength) + "'";
        }
        return null == errorWhat ? "no error" : "invalid " + errorWhat + ": expected " + errorExpected + ", actual "
            + errorActual;
    }

    /** The sender as text, with bytes that are not printable ASCII shown as {@code \xHH}: it comes off the wire. */
    private static String printable(byte[] bytes, int length) {
        final StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            final int b = bytes[i] & 0xFF;
            if (b >= 0x20 && b < 0x7F && b != '\\') {
                text.append((char)b);
            } else {
                text.append(String.format("\\x%02X", b));
            }
        }
        return text.toString();
    }

    private int appendRequest(DirectBuffer buffer, int body, int bodyLength, long term) {
        if (bodyLength < APPEND_ENTRIES) {
            return bodyLengthError(APPEND_ENTRIES, bodyLength);
        }
        final long prevIndex = buffer.getLong(body + APPEND_PREV_INDEX, BYTE_ORDER);
        final long prevTerm = buffer.getLong(body + APPEND_PREV_TERM, BYTE_ORDER);
        final long commit = buffer.getLong(body + APPEND_COMMIT, BYTE_ORDER);
        final int count = buffer.getInt(body + APPEND_COUNT, BYTE_ORDER);
        if (prevIndex < 0 || prevTerm < 0 || prevTerm > term || commit < 0) {
            return error(MALFORMED, "non-negative prevIndex/prevTerm/commit with prevTerm <= term", term, prevTerm);
        }
        final int entriesLength = bodyLength - APPEND_ENTRIES;
        if (count < 0 || count > entriesLength / LogEntry.HEADER_LENGTH) {
            return error(MALFORMED, "entry count that fits the body", entriesLength / LogEntry.HEADER_LENGTH, count);
        }
        int position = body + APPEND_ENTRIES;
        final int end = body + bodyLength;
        long previousTerm = prevTerm;
        for (int i = 0; i < count; i++) {
            final long expectedIndex = prevIndex + 1 + i;
            final int entryLength = LogEntry.validate(buffer, position, end - position, expectedIndex, checksums);
            if (entryLength < 0) {
                return error(MALFORMED, EntryError.describe(entryLength) + " at index", expectedIndex,
                    end - position >= LogEntry.HEADER_LENGTH ? LogEntry.index(buffer, position) : -1);
            }
            final long entryTerm = LogEntry.term(buffer, position);
            if (entryTerm < previousTerm || entryTerm > term) {
                return error(MALFORMED, "entry term between previous entry's and the frame's", term, entryTerm);
            }
            previousTerm = entryTerm;
            position += entryLength;
        }
        if (position != end) {
            return error(MALFORMED, "entries filling the body exactly", end - body, position - body);
        }
        entryBatch.wrap(buffer, body + APPEND_ENTRIES, entriesLength, count, prevIndex + 1);
        return OK;
    }

    private int clientRequest(DirectBuffer buffer, int body, int bodyLength) {
        if (bodyLength < CLIENT_REQUEST_COMMANDS) {
            return bodyLengthError(CLIENT_REQUEST_COMMANDS, bodyLength);
        }
        final int count = buffer.getInt(body + CLIENT_REQUEST_COUNT, BYTE_ORDER);
        final int end = body + bodyLength;
        int position = body + CLIENT_REQUEST_COMMANDS;
        if (count < 0 || count > (bodyLength - CLIENT_REQUEST_COMMANDS) / (4 + ClientCommand.HEADER_LENGTH)) {
            return error(MALFORMED, "command count that fits the body", 0, count);
        }
        for (int i = 0; i < count; i++) {
            if (end - position < 4) {
                return error(MALFORMED, "command length prefix", 4, end - position);
            }
            final int payloadLength = buffer.getInt(position, BYTE_ORDER);
            if (payloadLength < ClientCommand.HEADER_LENGTH || payloadLength > end - position - 4) {
                return error(MALFORMED, "command length within the body", end - position - 4, payloadLength);
            }
            position += 4 + payloadLength;
        }
        if (position != end) {
            return error(MALFORMED, "commands filling the body exactly", end - body, position - body);
        }
        commandBatch.wrap(buffer, body + CLIENT_REQUEST_COMMANDS, count);
        return OK;
    }

    private int peersResponse(DirectBuffer buffer, int body, int bodyLength) {
        if (bodyLength < PEERS_RESPONSE_PEERS) {
            return bodyLengthError(PEERS_RESPONSE_PEERS, bodyLength);
        }
        final int count = buffer.getInt(body + PEERS_RESPONSE_COUNT, BYTE_ORDER);
        final int end = body + bodyLength;
        int position = body + PEERS_RESPONSE_PEERS;
        if (count < 0 || count > bodyLength / (1 + PEERS_RESPONSE_PEER_FIXED)) {
            return error(MALFORMED, "peer count that fits the body", 0, count);
        }
        for (int i = 0; i < count; i++) {
            if (end - position < 1) {
                return error(MALFORMED, "peer entry", 1, 0);
            }
            final int addressLength = buffer.getByte(position) & 0xFF;
            final int entryLength = 1 + addressLength + PEERS_RESPONSE_PEER_FIXED;
            if (addressLength == 0 || entryLength > end - position) {
                return error(MALFORMED, "peer entry within the body", end - position, entryLength);
            }
            position += entryLength;
        }
        if (position != end) {
            return error(MALFORMED, "peers filling the body exactly", end - body, position - body);
        }
        return OK;
    }

    private int installSnapshot(DirectBuffer buffer, int body, int bodyLength, long term) {
        if (bodyLength < SNAPSHOT_CONFIG) {
            return bodyLengthError(SNAPSHOT_CONFIG, bodyLength);
        }
        final long snapshotIndex = buffer.getLong(body + SNAPSHOT_INDEX, BYTE_ORDER);
        final long snapshotTerm = buffer.getLong(body + SNAPSHOT_TERM, BYTE_ORDER);
        final long recordOffset = buffer.getLong(body + SNAPSHOT_OFFSET, BYTE_ORDER);
        final int flags = buffer.getInt(body + SNAPSHOT_FLAGS, BYTE_ORDER);
        final int configLength = buffer.getInt(body + SNAPSHOT_CONFIG_LENGTH, BYTE_ORDER);
        final int recordCount = buffer.getInt(body + SNAPSHOT_RECORD_COUNT, BYTE_ORDER);
        if (snapshotIndex < 1 || snapshotTerm < 1 || snapshotTerm > term || recordOffset < 0) {
            return error(MALFORMED, "positive snapshot index and term <= frame term", term, snapshotTerm);
        }
        if (configLength < 0 || configLength > bodyLength - SNAPSHOT_CONFIG) {
            return error(MALFORMED, "configuration length within the body", bodyLength - SNAPSHOT_CONFIG,
                configLength);
        }
        final int end = body + bodyLength;
        final int records = body + SNAPSHOT_CONFIG + configLength;
        if (recordCount < 0 || recordCount > (end - records) / 4) {
            return error(MALFORMED, "record count that fits the body", (end - records) / 4, recordCount);
        }
        int position = records;
        for (int i = 0; i < recordCount; i++) {
            if (end - position < 4) {
                return error(MALFORMED, "record length prefix", 4, end - position);
            }
            final int recordLength = buffer.getInt(position, BYTE_ORDER);
            if (recordLength < 0 || recordLength > end - position - 4) {
                return error(MALFORMED, "record length within the body", end - position - 4, recordLength);
            }
            position += 4 + recordLength;
        }
        if (position != end) {
            return error(MALFORMED, "records filling the body exactly", end - body, position - body);
        }
        snapshotChunk.wrap(buffer, snapshotIndex, snapshotTerm, recordOffset, (flags & SNAPSHOT_FLAG_LAST) != 0,
            body + SNAPSHOT_CONFIG, configLength, records, recordCount);
        return OK;
    }

    private int fixedBody(int expected, int actual) {
        return expected == actual ? OK : bodyLengthError(expected, actual);
    }

    private int bodyLengthError(long expected, long actual) {
        return error(MALFORMED, "body length", expected, actual);
    }

    private int error(int code, String what, long expected, long actual) {
        errorSenderLength = code == UNKNOWN_SENDER ? errorSenderLength : 0;
        errorWhat = what;
        errorExpected = expected;
        errorActual = actual;
        return code;
    }
}
