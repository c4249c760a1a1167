package io.skiff.core.raft;

import io.skiff.NodeAddress;
import org.agrona.DirectBuffer;

import java.nio.charset.StandardCharsets;

/**
 * Another node as this node tracks it: a member, with its replication progress while this node leads, or a
 * {@link Strangers stranger} outside the configuration that this node answers but never counts.
 */
public final class Peer {
    private final NodeAddress address;
    private final byte[] addressBytes;
    final Progress progress;

    /** It is outside the configuration: answered, never counted, replicated to or listed. */
    boolean stranger;
    /** Whether it votes and counts toward quorum in the current configuration (else it is a learner). */
    boolean voter;
    /** Whether it is a voter of the outgoing configuration during a joint change. */
    boolean oldVoter;
    /** During an election: it granted this node its (pre-)vote. */
    boolean granted;
    /** During an election: it answered, granting or not. */
    boolean answered;
    /** Leader: it answered since the last check-quorum. */
    boolean recentActive;
    /** Leader: the newest heartbeat round it acknowledged. */
    long ackedReadSeq;
    /** Leader: when that round was sent, on the leader's lease clock; {@code Long.MIN_VALUE} while unknown. */
    long ackedRoundSentNs = Long.MIN_VALUE;
    long lastSentNs = Long.MIN_VALUE;
    /** Leader: when this peer's match index last moved forward. */
    long lastProgressNs;
    long lastReceivedNs = Long.MIN_VALUE;
    /** Whether the transport reports a connection. */
    boolean connected;
    /** Leader, in SNAPSHOT state: the snapshot streamed to this peer, and the next record to send. */
    io.skiff.spi.SnapshotStore.Reader snapshot;
    long snapshotOffset;

    void closeSnapshot() {
        if (null != snapshot) {
            snapshot.close();
            snapshot = null;
        }
        snapshotOffset = 0;
    }

    Peer(NodeAddress address, int maxInflightMessages, long maxInflightBytes) {
        this.address = address;
        this.addressBytes = address.toString().getBytes(StandardCharsets.US_ASCII);
        this.progress = new Progress(maxInflightMessages, maxInflightBytes);
    }

    public NodeAddress address() {
        return address;
    }

    byte[] addressBytes() {
        return addressBytes;
    }

    /** @return whether the address text in the buffer is this peer's, byte for byte. */
    boolean hasAddress(DirectBuffer buffer, int offset, int length) {
        if (addressBytes.length != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (addressBytes[i] != buffer.getByte(offset + i)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return address.toString();
    }
}
