package io.skiff.testkit.sim;

import io.skiff.NodeAddress;
import io.skiff.spi.FrameHandler;
import io.skiff.spi.SendResult;
import io.skiff.spi.Transport;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/** One node's endpoint on the {@link SimNetwork}; frames are copied on send and delivered as events. */
final class SimTransport implements Transport {
    static final int MAX_FRAME_LENGTH = 1 << 20;

    private final SimNetwork network;
    private final NodeAddress address;
    private final ArrayDeque<byte[]> inbox = new ArrayDeque<>();
    private SimNode node;
    private boolean closed;

    SimTransport(SimNetwork network, NodeAddress address) {
        this.network = network;
        this.address = address;
    }

    void attach(SimNode owner) {
        node = owner;
    }

    @Override
    public SendResult send(NodeAddress peer, ByteBuffer frame) {
        if (closed) {
            return SendResult.CLOSED;
        }
        if (frame.remaining() > MAX_FRAME_LENGTH) {
            throw new IllegalArgumentException("frame of " + frame.remaining() + " bytes exceeds the maximum of "
                + MAX_FRAME_LENGTH);
        }
        final byte[] copy = new byte[frame.remaining()];
        frame.duplicate().get(copy);
        return network.send(address, peer, copy, null == node ? 0 : node.departureTime())
            ? SendResult.SENT : SendResult.BACK_PRESSURED;
    }

    @Override
    public int poll(FrameHandler handler, int frameLimit) {
        int frames = 0;
        while (frames < frameLimit && !inbox.isEmpty()) {
            handler.onFrame(ByteBuffer.wrap(inbox.poll()));
            frames++;
        }
        return frames;
    }

    /** The simulated network has no connections to set up: cuts and link faults alone decide delivery. */
    @Override
    public void connect(NodeAddress peer) {
    }

    /** See {@link #connect}: nothing to release. */
    @Override
    public void disconnect(NodeAddress peer) {
    }

    @Override
    public int maxFrameLength() {
        return MAX_FRAME_LENGTH;
    }

    @Override
    public void close() {
        closed = true;
        inbox.clear();
    }

    boolean closed() {
        return closed;
    }

    ArrayDeque<byte[]> inbox() {
        return inbox;
    }

    void onArrival() {
        if (null != node) {
            node.wakeAt(0);
        }
    }
}
