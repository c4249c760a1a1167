package io.skiff.benchmarks;

import io.skiff.NodeAddress;
import io.skiff.NodeState;
import io.skiff.core.codec.SnapshotChunk;
import io.skiff.core.raft.Configuration;
import io.skiff.core.raft.RaftListener;
import io.skiff.core.raft.SnapshotTransfer;
import io.skiff.spi.SnapshotStore;
import org.agrona.DirectBuffer;

import java.util.List;

/**
 * Ignores every notification of a core driven by a benchmark, and has no snapshot: a benchmark's log is compacted
 * only behind what every follower has acknowledged, so no follower ever needs one.
 */
final class QuietListener implements RaftListener, SnapshotTransfer {
    @Override
    public void onStateChanged(NodeState from, NodeState to, long term) {
    }

    @Override
    public void onLeaderChanged(NodeAddress leader, long term) {
    }

    @Override
    public void onElectionTimeout(long term) {
    }

    @Override
    public void onReadIndex(long requestId, long readIndex, boolean success) {
    }

    @Override
    public void onClientReject(NodeAddress leader) {
    }

    @Override
    public void onPeers(long requestId, DirectBuffer buffer, int offset, int count) {
    }

    @Override
    public void onRpcLatency(NodeAddress peer, long latencyNs) {
    }

    @Override
    public void onPeersChanged(List<NodeAddress> added, List<NodeAddress> removed) {
    }

    /** A benchmark's members are all it talks to: no stranger is answered. */
    @Override
    public boolean onStrangerHeard(NodeAddress stranger) {
        return false;
    }

    @Override
    public void onStrangerForgotten(NodeAddress stranger) {
    }

    @Override
    public void onConfigurationCommitted(Configuration configuration) {
    }

    @Override
    public void onMembershipResult(long requestId, int status, String message) {
    }

    @Override
    public SnapshotStore.Reader openLatest() {
        return null;
    }

    @Override
    public long accept(SnapshotChunk chunk) {
        throw new IllegalStateException("expected no snapshot in a benchmark, actual chunk of snapshot "
            + chunk.snapshotIndex());
    }

    /** No snapshot is ever received (see {@link #accept}), so none is ever being received to drop. */
    @Override
    public void abandon() {
    }
}
