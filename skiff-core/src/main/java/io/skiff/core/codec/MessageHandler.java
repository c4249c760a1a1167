package io.skiff.core.codec;

import org.agrona.DirectBuffer;

/**
 * Receives decoded, validated frames as primitives and views, the way Aeron's adapters hand messages to agents.
 * Views passed in are valid only during the call.
 *
 * @param <P> how the receiver identifies a sender (resolved by a {@link SenderResolver}).
 */
public interface MessageHandler<P> {
    void onAppendRequest(P from, long term, long prevIndex, long prevTerm, long commit, EntryBatch entries);

    void onAppendResponse(P from, long term, boolean success, long index, long hintIndex, long hintTerm);

    void onHeartbeat(P from, long term, long commit, long readSeq);

    void onHeartbeatResponse(P from, long term, long readSeq);

    void onVoteRequest(P from, long term, boolean preVote, long lastIndex, long lastTerm, boolean transfer,
        long round);

    void onVoteResponse(P from, long term, boolean preVote, boolean granted, long round);

    void onTimeoutNow(P from, long term);

    void onClientRequest(P from, long term, CommandBatch commands);

    void onClientReject(P from, long term, DirectBuffer buffer, int leaderOffset, int leaderLength);

    void onReadIndexRequest(P from, long term, long requestId);

    void onReadIndexResponse(P from, long term, long requestId, long readIndex, boolean success);

    void onPeersRequest(P from, long term, long requestId);

    void onPeersResponse(P from, long term, long requestId, DirectBuffer buffer, int peersOffset, int count);

    void onInstallSnapshot(P from, long term, SnapshotChunk chunk);

    void onInstallSnapshotResponse(P from, long term, long snapshotIndex, long snapshotTerm, long nextOffset,
        boolean success);

    void onMembershipRequest(P from, long term, long requestId, int operation, DirectBuffer buffer,
        int addressOffset, int addressLength);

    void onMembershipResponse(P from, long term, long requestId, int status, DirectBuffer buffer, int messageOffset,
        int messageLength);
}
