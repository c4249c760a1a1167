package io.skiff.core.codec;

import org.agrona.MutableDirectBuffer;

import java.nio.charset.StandardCharsets;

import static io.skiff.core.codec.FrameHeader.BYTE_ORDER;
import static io.skiff.core.codec.MessageLayout.*;

/**
 * Writes frames in place into a caller's buffer; each method returns the frame's total length. The caller makes
 * sure the buffer has room (an expandable buffer grows on write).
 */
public final class FrameEncoder {
    private final long clusterId;
    private final byte[] sender;
    private final FrameAuthenticator authenticator;

    /**
     * @param clusterId the cluster id hash, see {@link FrameHeader#clusterIdHash(String)}.
     * @param sender    this node's canonical address.
     */
    public FrameEncoder(long clusterId, String sender) {
        this(clusterId, sender, null);
    }

    /**
     * @param clusterId     the cluster id hash, see {@link FrameHeader#clusterIdHash(String)}.
     * @param sender        this node's canonical address.
     * @param authenticator signs every frame, or {@code null} for unauthenticated frames.
     */
    public FrameEncoder(long clusterId, String sender, FrameAuthenticator authenticator) {
        this.clusterId = clusterId;
        this.sender = sender.getBytes(StandardCharsets.US_ASCII);
        this.authenticator = authenticator;
    }

    /** @return the bytes a frame carries beyond its header and body: the MAC when frames are signed. */
    public int trailerLength() {
        return null == authenticator ? 0 : FrameHeader.MAC_LENGTH;
    }

    /** @return the header length of every frame this encoder writes. */
    public int headerLength() {
        return FrameHeader.LENGTH + sender.length;
    }

    /**
     * Starts an AppendEntries frame; entries are then copied to the returned offset and
     * {@link #finishAppendRequest} completes it.
     *
     * @return the offset where the first entry goes.
     */
    public int beginAppendRequest(MutableDirectBuffer buffer, int offset, long term, long prevIndex, long prevTerm,
        long commit) {
        final int body = header(buffer, offset, MessageType.APPEND_REQUEST, term, 0);
        buffer.putLong(body + APPEND_PREV_INDEX, prevIndex, BYTE_ORDER);
        buffer.putLong(body + APPEND_PREV_TERM, prevTerm, BYTE_ORDER);
        buffer.putLong(body + APPEND_COMMIT, commit, BYTE_ORDER);
        return body + APPEND_ENTRIES;
    }

    /**
     * Completes an AppendEntries frame started at {@code offset}.
     *
     * @return the frame length.
     */
    public int finishAppendRequest(MutableDirectBuffer buffer, int offset, int count, int entriesLength) {
        final int body = offset + headerLength();
        buffer.putInt(body + APPEND_COUNT, count, BYTE_ORDER);
        return finish(buffer, offset, APPEND_ENTRIES + entriesLength);
    }

    public int appendResponse(MutableDirectBuffer buffer, int offset, long term, boolean success, long index,
        long hintIndex, long hintTerm) {
        final int body = header(buffer, offset, MessageType.APPEND_RESPONSE, term, APPEND_RESPONSE_LENGTH);
        buffer.putLong(body, 0L);
        buffer.putByte(body + APPEND_RESPONSE_SUCCESS, (byte)(success ? 1 : 0));
        buffer.putLong(body + APPEND_RESPONSE_INDEX, index, BYTE_ORDER);
        buffer.putLong(body + APPEND_RESPONSE_HINT_INDEX, hintIndex, BYTE_ORDER);
        buffer.putLong(body + APPEND_RESPONSE_HINT_TERM, hintTerm, BYTE_ORDER);
        return seal(buffer, offset, headerLength() + APPEND_RESPONSE_LENGTH);
    }

    public int heartbeat(MutableDirectBuffer buffer, int offset, long term, long commit, long readSeq) {
        final int body = header(buffer, offset, MessageType.HEARTBEAT, term, HEARTBEAT_LENGTH);
        buffer.putLong(body + HEARTBEAT_COMMIT, commit, BYTE_ORDER);
        buffer.putLong(body + HEARTBEAT_READ_SEQ, readSeq, BYTE_ORDER);
        return seal(buffer, offset, headerLength() + HEARTBEAT_LENGTH);
    }

    public int heartbeatResponse(MutableDirectBuffer buffer, int offset, long term, long readSeq) {
        final int body = header(buffer, offset, MessageType.HEARTBEAT_RESPONSE, term, HEARTBEAT_RESPONSE_LENGTH);
        buffer.putLong(body + HEARTBEAT_RESPONSE_READ_SEQ, readSeq, BYTE_ORDER);
        return seal(buffer, offset, headerLength() + HEARTBEAT_RESPONSE_LENGTH);
    }

    /** @param round the candidate's election round, which the answer echoes. */
    public int voteRequest(MutableDirectBuffer buffer, int offset, boolean preVote, long term, long lastIndex,
        long lastTerm, boolean transfer, long round) {
        final int type = preVote ? MessageType.PRE_VOTE_REQUEST : MessageType.VOTE_REQUEST;
        final int body = header(buffer, offset, type, term, VOTE_LENGTH);
        buffer.putLong(body + VOTE_LAST_INDEX, lastIndex, BYTE_ORDER);
        buffer.putLong(body + VOTE_LAST_TERM, lastTerm, BYTE_ORDER);
        buffer.putByte(body + VOTE_FLAGS, (byte)(transfer ? VOTE_FLAG_TRANSFER : 0));
        buffer.putLong(body + VOTE_ROUND, round, BYTE_ORDER);
        return seal(buffer, offset, headerLength() + VOTE_LENGTH);
    }

    /** @param round the round of the request answered. */
    public int voteResponse(MutableDirectBuffer buffer, int offset, boolean preVote, long term, boolean granted,
        long round) {
        final int type = preVote ? MessageType.PRE_VOTE_RESPONSE : MessageType.VOTE_RESPONSE;
        final int body = header(buffer, offset, type, term, VOTE_RESPONSE_LENGTH);
        buffer.putByte(body + VOTE_RESPONSE_GRANTED, (byte)(granted ? 1 : 0));
        buffer.putLong(body + VOTE_RESPONSE_ROUND, round, BYTE_ORDER);
        return seal(buffer, offset, headerLength() + VOTE_RESPONSE_LENGTH);
    }

    public int timeoutNow(MutableDirectBuffer buffer, int offset, long term) {
        header(buffer, offset, MessageType.TIMEOUT_NOW, term, 0);
        return seal(buffer, offset, headerLength());
    }

    /**
     * Starts a ClientRequest frame; commands are added with {@link #addClientCommand}.
     *
     * @return the offset where the first command goes.
     */
    public int beginClientRequest(MutableDirectBuffer buffer, int offset, long term) {
        return header(buffer, offset, MessageType.CLIENT_REQUEST, term, 0) + CLIENT_REQUEST_COMMANDS;
    }

    /**
     * Writes one command's length prefix; the caller writes the payload after it.
     *
     * @return the offset of the payload.
     */
    public int addClientCommand(MutableDirectBuffer buffer, int position, int payloadLength) {
        buffer.putInt(position, payloadLength, BYTE_ORDER);
        return position + 4;
    }

    /** @return the frame length. */
    public int finishClientRequest(MutableDirectBuffer buffer, int offset, int count, int commandsLength) {
        buffer.putInt(offset + headerLength() + CLIENT_REQUEST_COUNT, count, BYTE_ORDER);
        return finish(buffer, offset, CLIENT_REQUEST_COMMANDS + commandsLength);
    }

    public int clientReject(MutableDirectBuffer buffer, int offset, long term, byte[] leader) {
        final int leaderLength = null == leader ? 0 : leader.length;
        final int body = header(buffer, offset, MessageType.CLIENT_REJECT, term, CLIENT_REJECT_LEADER + leaderLength);
        buffer.putByte(body + CLIENT_REJECT_LEADER_LENGTH, (byte)leaderLength);
        if (leaderLength > 0) {
            buffer.putBytes(body + CLIENT_REJECT_LEADER, leader);
        }
        return seal(buffer, offset, headerLength() + CLIENT_REJECT_LEADER + leaderLength);
    }

    public int readIndexRequest(MutableDirectBuffer buffer, int offset, long term, long requestId) {
        final int body = header(buffer, offset, MessageType.READ_INDEX_REQUEST, term, READ_INDEX_LENGTH);
        buffer.putLong(body + READ_INDEX_REQUEST_ID, requestId, BYTE_ORDER);
        return seal(buffer, offset, headerLength() + READ_INDEX_LENGTH);
    }

    public int readIndexResponse(MutableDirectBuffer buffer, int offset, long term, long requestId, long readIndex,
        boolean success) {
        final int body = header(buffer, offset, MessageType.READ_INDEX_RESPONSE, term, READ_INDEX_RESPONSE_LENGTH);
        buffer.putLong(body + READ_INDEX_RESPONSE_REQUEST_ID, requestId, BYTE_ORDER);
        buffer.putLong(body + READ_INDEX_RESPONSE_INDEX, readIndex, BYTE_ORDER);
        buffer.putByte(body + READ_INDEX_RESPONSE_SUCCESS, (byte)(success ? 1 : 0));
        return seal(buffer, offset, headerLength() + READ_INDEX_RESPONSE_LENGTH);
    }

    public int peersRequest(MutableDirectBuffer buffer, int offset, long term, long requestId) {
        final int body = header(buffer, offset, MessageType.PEERS_REQUEST, term, PEERS_LENGTH);
        buffer.putLong(body + PEERS_REQUEST_ID, requestId, BYTE_ORDER);
        return seal(buffer, offset, headerLength() + PEERS_LENGTH);
    }

    /**
     * Starts a PeersResponse; peers are added with {@link #addPeer}.
     *
     * @return the offset of the first peer.
     */
    public int beginPeersResponse(MutableDirectBuffer buffer, int offset, long term, long requestId) {
        final int body = header(buffer, offset, MessageType.PEERS_RESPONSE, term, 0);
        buffer.putLong(body + PEERS_RESPONSE_REQUEST_ID, requestId, BYTE_ORDER);
        return body + PEERS_RESPONSE_PEERS;
    }

    /** @return the position after the peer. */
    public int addPeer(MutableDirectBuffer buffer, int position, byte[] address, int state, boolean connected,
        long matchIndex, long nextIndex, long sentAgoNs, long receivedAgoNs) {
        buffer.putByte(position, (byte)address.length);
        buffer.putBytes(position + 1, address);
        int p = position + 1 + address.length;
        buffer.putByte(p, (byte)state);
        buffer.putByte(p + 1, (byte)(connected ? 1 : 0));
        buffer.putLong(p + 2, matchIndex, BYTE_ORDER);
        buffer.putLong(p + 10, nextIndex, BYTE_ORDER);
        buffer.putLong(p + 18, sentAgoNs, BYTE_ORDER);
        buffer.putLong(p + 26, receivedAgoNs, BYTE_ORDER);
        return p + PEERS_RESPONSE_PEER_FIXED;
    }

    /** @return the frame length. */
    public int finishPeersResponse(MutableDirectBuffer buffer, int offset, int count, int peersLength) {
        buffer.putInt(offset + headerLength() + PEERS_RESPONSE_COUNT, count, BYTE_ORDER);
        return finish(buffer, offset, PEERS_RESPONSE_PEERS + peersLength);
    }

    /**
     * Starts an InstallSnapshot chunk; records are added with {@link #addSnapshotRecord}.
     *
     * @return the offset of the first record.
     */
    public int beginInstallSnapshot(MutableDirectBuffer buffer, int offset, long term, long snapshotIndex,
        long snapshotTerm, long recordOffset, byte[] configuration) {
        final int body = header(buffer, offset, MessageType.INSTALL_SNAPSHOT, term, 0);
        buffer.putLong(body + SNAPSHOT_INDEX, snapshotIndex, BYTE_ORDER);
        buffer.putLong(body + SNAPSHOT_TERM, snapshotTerm, BYTE_ORDER);
        buffer.putLong(body + SNAPSHOT_OFFSET, recordOffset, BYTE_ORDER);
        buffer.putInt(body + SNAPSHOT_FLAGS, 0, BYTE_ORDER);
        buffer.putInt(body + SNAPSHOT_CONFIG_LENGTH, configuration.length, BYTE_ORDER);
        buffer.putBytes(body + SNAPSHOT_CONFIG, configuration);
        return body + SNAPSHOT_CONFIG + configuration.length;
    }

    /**
     * Writes one record's length prefix; the caller writes the record after it.
     *
     * @return the offset of the record bytes.
     */
    public int addSnapshotRecord(MutableDirectBuffer buffer, int position, int recordLength) {
        buffer.putInt(position, recordLength, BYTE_ORDER);
        return position + 4;
    }

    /** @return the frame length. */
    public int finishInstallSnapshot(MutableDirectBuffer buffer, int offset, int recordCount, boolean last,
        int bodyLength) {
        final int body = offset + headerLength();
        buffer.putInt(body + SNAPSHOT_FLAGS, last ? SNAPSHOT_FLAG_LAST : 0, BYTE_ORDER);
        buffer.putInt(body + SNAPSHOT_RECORD_COUNT, recordCount, BYTE_ORDER);
        return finish(buffer, offset, bodyLength);
    }

    public int installSnapshotResponse(MutableDirectBuffer buffer, int offset, long term, long snapshotIndex,
        long snapshotTerm, long nextOffset, boolean success) {
        final int body = header(buffer, offset, MessageType.INSTALL_SNAPSHOT_RESPONSE, term,
            SNAPSHOT_RESPONSE_LENGTH);
        buffer.putLong(body + SNAPSHOT_RESPONSE_INDEX, snapshotIndex, BYTE_ORDER);
        buffer.putLong(body + SNAPSHOT_RESPONSE_TERM, snapshotTerm, BYTE_ORDER);
        buffer.putLong(body + SNAPSHOT_RESPONSE_NEXT_OFFSET, nextOffset, BYTE_ORDER);
        buffer.putByte(body + SNAPSHOT_RESPONSE_SUCCESS, (byte)(success ? 1 : 0));
        return seal(buffer, offset, headerLength() + SNAPSHOT_RESPONSE_LENGTH);
    }

    public int membershipRequest(MutableDirectBuffer buffer, int offset, long term, long requestId, int operation,
        byte[] address) {
        final int body = header(buffer, offset, MessageType.MEMBERSHIP_REQUEST, term,
            MEMBERSHIP_ADDRESS + address.length);
        buffer.putLong(body + MEMBERSHIP_REQUEST_ID, requestId, BYTE_ORDER);
        buffer.putByte(body + MEMBERSHIP_OPERATION, (byte)operation);
        buffer.putByte(body + MEMBERSHIP_ADDRESS_LENGTH, (byte)address.length);
        buffer.putBytes(body + MEMBERSHIP_ADDRESS, address);
        return seal(buffer, offset, headerLength() + MEMBERSHIP_ADDRESS + address.length);
    }

    public int membershipResponse(MutableDirectBuffer buffer, int offset, long term, long requestId, int status,
        byte[] message) {
        final int body = header(buffer, offset, MessageType.MEMBERSHIP_RESPONSE, term,
            MEMBERSHIP_RESPONSE_MESSAGE + message.length);
        buffer.putLong(body + MEMBERSHIP_RESPONSE_REQUEST_ID, requestId, BYTE_ORDER);
        buffer.putByte(body + MEMBERSHIP_RESPONSE_STATUS, (byte)status);
        buffer.putShort(body + MEMBERSHIP_RESPONSE_MESSAGE_LENGTH, (short)message.length, BYTE_ORDER);
        buffer.putBytes(body + MEMBERSHIP_RESPONSE_MESSAGE, message);
        return seal(buffer, offset, headerLength() + MEMBERSHIP_RESPONSE_MESSAGE + message.length);
    }

    private int header(MutableDirectBuffer buffer, int offset, int type, long term, int bodyLength) {
        return FrameHeader.encode(buffer, offset, type, 0, clusterId, term, sender, bodyLength);
    }

    private int finish(MutableDirectBuffer buffer, int offset, int bodyLength) {
        buffer.putInt(offset + FrameHeader.BODY_LENGTH_OFFSET, bodyLength, BYTE_ORDER);
        return seal(buffer, offset, headerLength() + bodyLength);
    }

    private int seal(MutableDirectBuffer buffer, int offset, int length) {
        return null == authenticator ? length : authenticator.sign(buffer, offset, length);
    }
}
