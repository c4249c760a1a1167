package io.skiff.benchmarks;

import io.skiff.core.codec.CommandBatch;
import io.skiff.core.codec.EntryBatch;
import io.skiff.core.codec.MessageHandler;
import io.skiff.core.codec.SnapshotChunk;
import org.agrona.DirectBuffer;

/**
 * A {@link MessageHandler} that only remembers what an AppendEntries carried, so that a decode benchmark measures
 * the codec and nothing behind it, while the JIT cannot discard the decoding.
 */
final class IgnoringHandler implements MessageHandler<Object> {
    long lastIndex;
    int entryBytes;

    @Override
    public void onAppendRequest(Object from, long term, long prevIndex, long prevTerm, long commit,
        EntryBatch entries) {
        lastIndex = entries.lastIndex();
        entryBytes = entries.length();
    }

    @Override
    public void onAppendResponse(Object from, long term, boolean success, long index, long hintIndex, long hintTerm) {
        lastIndex = index;
    }

    @Override
    public void onHeartbeat(Object from, long term, long commit, long readSeq) {
    }

    @Override
    public void onHeartbeatResponse(Object from, long term, long readSeq) {
    }

    @Override
    public void onVoteRequest(Object from, long term, boolean preVote, long lastIndex, long lastTerm,
        boolean transfer, long round) {
    }

    @Override
    public void onVoteResponse(Object from, long term, boolean preVote, boolean granted, long round) {
    }

    @Override
    public void onTimeoutNow(Object from, long term) {
    }

    @Override
    public void onClientRequest(Object from, long term, CommandBatch commands) {
    }

    @Override
    public void onClientReject(Object from, long term, DirectBuffer buffer, int leaderOffset, int leaderLength) {
    }

    @Override
    public void onReadIndexRequest(Object from, long term, long requestId) {
    }

    @Override
    public void onReadIndexResponse(Object from, long term, long requestId, long readIndex, boolean success) {
    }

    @Override
    public void onPeersRequest(Object from, long term, long requestId) {
    }

    @Override
    public void onPeersResponse(Object from, long term, long requestId, DirectBuffer buffer, int peersOffset,
        int count) {
    }

    @Override
    public void onInstallSnapshot(Object from, long term, SnapshotChunk chunk) {
    }

    @Override
    public void onInstallSnapshotResponse(Object from, long term, long snapshotIndex, long snapshotTerm,
        long nextOffset, boolean success) {
    }

    @Override
    public void onMembershipRequest(Object from, long term, long requestId, int operation, DirectBuffer buffer,
        int addressOffset, int addressLength) {
    }

    @Override
    public void onMembershipResponse(Object from, long term, long requestId, int status, DirectBuffer buffer,
        int messageOffset, int messageLength) {
    }
}
