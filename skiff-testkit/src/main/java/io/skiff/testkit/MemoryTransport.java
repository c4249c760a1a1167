package io.skiff.testkit;

import io.skiff.NodeAddress;
import io.skiff.spi.FrameHandler;
import io.skiff.spi.SendResult;
import io.skiff.spi.Transport;
import io.skiff.spi.TransportListener;
import io.skiff.testkit.sim.LinkFaults;
import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One node's endpoint on an {@link InMemoryNetwork}: a {@code /mem/NAME} address with an inbox that any number of
 * senders copy frames into and this node's loop drains.
 *
 * <p>The inbox is an Agrona {@link ManyToOneRingBuffer}: senders on different threads claim space in it without
 * locks, and {@link #poll} hands each frame to the handler as a view of the ring itself, so neither side allocates
 * per frame. The connection state (links) is changed only under the network's lock; the send path reads it through
 * a concurrent map and volatile fields. A link with {@link LinkFaults} other than {@link LinkFaults#NONE} sends
 * through the network's {@link LinkFaultInjector}.
 */
final class MemoryTransport implements Transport {
    private static final int FRAME_TYPE_ID = 1;

    private final InMemoryNetwork network;
    private final NodeAddress address;
    private final TransportListener listener;
    private final ManyToOneRingBuffer inbox;
    private final ByteBuffer frameView;
    private final MessageHandler inboxHandler = this::onInboxMessage;
    private final ConcurrentMap<NodeAddress, Link> links = new ConcurrentHashMap<>();
    private volatile boolean closed;
    private FrameHandler frameHandler;

    MemoryTransport(InMemoryNetwork network, NodeAddress address, TransportListener listener, int inboxCapacity) {
        this.network = network;
        this.address = address;
        this.listener = listener;
        final ByteBuffer inboxBytes = BufferUtil.allocateDirectAligned(
            inboxCapacity + RingBufferDescriptor.TRAILER_LENGTH, BitUtil.CACHE_LINE_LENGTH);
        this.inbox = new ManyToOneRingBuffer(new UnsafeBuffer(inboxBytes));
        this.frameView = inboxBytes.duplicate();
    }

    /**
     * {@inheritDoc}
     *
     * <p>A frame to a peer that is open and connected but cut off by a fault is dropped silently, as a real network
     * drops it: the result is {@link SendResult#SENT} and the network counts it in
     * {@link InMemoryNetwork#droppedFrames()}. So is a frame lost by the link's {@link LinkFaults}.
     */
    @Override
    public SendResult send(NodeAddress peer, ByteBuffer frame) {
        final int length = frame.remaining();
        if (length > inbox.maxMsgLength()) {
            throw new IllegalArgumentException("frame from " + address + " to " + peer + " is too long: expected at "
                + "most " + inbox.maxMsgLength() + " bytes (maxFrameLength), actual " + length);
        }
        if (closed) {
            return SendResult.CLOSED;
        }
        final Link link = links.get(peer);
        if (null == link) {
            return SendResult.NOT_CONNECTED;
        }
        final MemoryTransport destination = link.destination();
        if (null == destination) {
            return SendResult.NOT_CONNECTED;
        }
        if (network.cuts(address, peer)) {
            network.countDroppedFrame();
            return SendResult.SENT;
        }
        final LinkFaults faults = link.faults();
        if (LinkFaults.NONE != faults) {
            return network.transmit(address, link, destination, frame, length, faults);
        }
        return destination.deliver(frame, length) ? SendResult.SENT : SendResult.BACK_PRESSURED;
    }

    @Override
    public int poll(FrameHandler handler, int frameLimit) {
        if (closed || frameLimit <= 0) {
            return 0;
        }
        frameHandler = handler;
        try {
            return inbox.read(inboxHandler, frameLimit);
        } finally {
            frameHandler = null;
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>The listener hears {@code onConnected(peer)} as soon as the peer is open and not cut off, which may be
     * during this call.
     */
    @Override
    public void connect(NodeAddress peer) {
        network.connect(this, peer);
    }

    @Override
    public void disconnect(NodeAddress peer) {
        network.disconnect(this, peer);
    }

    @Override
    public int maxFrameLength() {
        return inbox.maxMsgLength();
    }

    /** Closes the endpoint: peers connected to it hear it disconnect, and frames still in the inbox are lost. */
    @Override
    public void close() {
        network.close(this);
    }

    @Override
    public String toString() {
        return "MemoryTransport{" + address + (closed ? ", closed" : "") + "}";
    }

    NodeAddress address() {
        return address;
    }

    TransportListener listener() {
        return listener;
    }

    boolean isClosed() {
        return closed;
    }

    /** Under the network's lock. */
    void markClosed() {
        closed = true;
        links.clear();
    }

    /** Under the network's lock. */
    Link link(NodeAddress peer) {
        return links.get(peer);
    }

    /** Under the network's lock. */
    Link addLink(NodeAddress peer) {
        return links.computeIfAbsent(peer, Link::new);
    }

    /** Under the network's lock. */
    Link removeLink(NodeAddress peer) {
        return links.remove(peer);
    }

    /** Under the network's lock. */
    Collection<Link> links() {
        return links.values();
    }

    /**
     * Copies a frame into the inbox, on any thread.
     *
     * @return false when the inbox has no room for it.
     */
    boolean deliver(ByteBuffer frame, int length) {
        final int index = inbox.tryClaim(FRAME_TYPE_ID, length);
        if (index < 0) {
            return false;
        }
        inbox.buffer().putBytes(index, frame, frame.position(), length);
        inbox.commit(index);
        return true;
    }

    /**
     * Copies a frame that waited on a faulty link into the inbox.
     *
     * @return false when the inbox has no room for it.
     */
    boolean deliver(byte[] frame) {
        final int index = inbox.tryClaim(FRAME_TYPE_ID, frame.length);
        if (index < 0) {
            return false;
        }
        inbox.buffer().putBytes(index, frame);
        inbox.commit(index);
        return true;
    }

    private void onInboxMessage(int typeId, MutableDirectBuffer buffer, int index, int length) {
        frameView.clear();
        frameView.position(index).limit(index + length);
        frameHandler.onFrame(frameView);
    }

    /**
     * This endpoint's view of one peer it called {@link #connect} for: where frames go, the faults of the link, and
     * the connection state its listener was last told. These change only under the network's lock. The link also
     * counts its frames waiting in the network, for {@link LinkFaults#maxInFlightFrames()}.
     */
    static final class Link {
        private final NodeAddress peer;
        private final AtomicInteger inFlight = new AtomicInteger();
        private volatile MemoryTransport destination;
        private volatile LinkFaults faults = LinkFaults.NONE;
        private boolean reportedUp;

        Link(NodeAddress peer) {
            this.peer = peer;
        }

        NodeAddress peer() {
            return peer;
        }

        /** @return the peer's endpoint while it is open, else {@code null}. */
        MemoryTransport destination() {
            return destination;
        }

        void destination(MemoryTransport endpoint) {
            destination = endpoint;
        }

        boolean reportedUp() {
            return reportedUp;
        }

        void reportedUp(boolean up) {
            reportedUp = up;
        }

        /** @return the faults in force on this link, {@link LinkFaults#NONE} when it is perfect. */
        LinkFaults faults() {
            return faults;
        }

        void faults(LinkFaults linkFaults) {
            faults = linkFaults;
        }

        int inFlight() {
            return inFlight.get();
        }

        /**
         * Counts one more frame waiting on the link, unless that would exceed the limit.
         *
         * @param limit the most frames in flight, 0 for no limit.
         * @return whether the frame was counted and may wait.
         */
        boolean tryAddInFlight(int limit) {
            while (true) {
                final int frames = inFlight.get();
                if (limit > 0 && frames >= limit) {
                    return false;
                }
                if (inFlight.compareAndSet(frames, frames + 1)) {
                    return true;
                }
            }
        }

        void releaseInFlight() {
            inFlight.decrementAndGet();
        }
    }
}
