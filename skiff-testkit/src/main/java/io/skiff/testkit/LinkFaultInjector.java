package io.skiff.testkit;

import io.skiff.NodeAddress;
import io.skiff.core.codec.FrameHeader;
import io.skiff.spi.SendResult;
import io.skiff.testkit.sim.LinkFaults;

import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Applies a link's {@link LinkFaults} to the frames an {@link InMemoryNetwork} carries, in real time: it decides on
 * the sender's thread whether a frame is lost, duplicated, delayed or held back, puts frames that must wait into a
 * delay queue, and delivers them from one daemon thread when they are due. It also keeps the network's frame
 * counters.
 *
 * <p>Frames that need no waiting go straight into the destination's inbox on the sender's thread, as they do with
 * no faults at all, and those decisions allocate nothing; a frame that waits is copied. The delivery thread starts
 * with the first frame that waits and stops at {@link #close()}.
 *
 * <p>Randomness is a SplitMix64 sequence over one atomic counter: every sender thread draws from the same seeded
 * sequence without locks. The seed fixes the sequence of draws, not which frame gets which draw, because senders
 * run concurrently and in real time: a real-time run cannot be replayed from its seed.
 */
final class LinkFaultInjector implements AutoCloseable {
    private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;
    private static final double DOUBLE_UNIT = 0x1.0p-53;
    private static final long CLOSE_WAIT_MS = 5_000;

    private final InMemoryNetwork network;
    private final long seed;
    private final AtomicLong randomState;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong duplicated = new AtomicLong();
    private final AtomicLong delayed = new AtomicLong();
    private final AtomicLong reordered = new AtomicLong();
    private final AtomicLong sequence = new AtomicLong();
    private final DelayQueue<WaitingFrame> waiting = new DelayQueue<>();
    /** Guards starting and stopping the delivery thread, and adding to the queue, so that close loses nothing. */
    private final Object lifecycle = new Object();
    private Thread deliveryThread;
    private volatile boolean closed;

    LinkFaultInjector(InMemoryNetwork network, long seed) {
        this.network = network;
        this.seed = seed;
        this.randomState = new AtomicLong(seed);
    }

    long seed() {
        return seed;
    }

    /**
     * Sends one frame across a link with faults. Called on the sender's thread, after the network found the link
     * connected and not cut.
     *
     * @return {@link SendResult#SENT} when the frame was delivered, is waiting, or was lost by a fault (as a real
     * network loses it, silently); {@link SendResult#BACK_PRESSURED} when the destination's inbox is full or the
     * link holds {@link LinkFaults#maxInFlightFrames()} frames already.
     */
    SendResult transmit(NodeAddress from, MemoryTransport.Link link, MemoryTransport destination, ByteBuffer frame,
        int length, LinkFaults faults) {
        final int limit = faults.maxInFlightFrames();
        if (limit > 0 && link.inFlight() >= limit) {
            return SendResult.BACK_PRESSURED;
        }
        final int type = length > FrameHeader.TYPE_OFFSET
            ? frame.get(frame.position() + FrameHeader.TYPE_OFFSET) & 0xFF : 0;
        if (nextDouble() < faults.dropProbability()
            || ((faults.dropTypeMask() & (1L << (type & 63))) != 0 && nextDouble() < faults.dropTypeProbability())) {
            dropped.incrementAndGet();
            return SendResult.SENT;
        }
        final boolean duplicate = nextDouble() < faults.duplicateProbability();
        final SendResult result = forward(from, link, destination, frame, length, faults);
        if (duplicate && SendResult.SENT == result) {
            duplicated.incrementAndGet();
            if (SendResult.SENT != forward(from, link, destination, frame, length, faults)) {
                dropped.incrementAndGet();
            }
        }
        return result;
    }

    /** A frame lost at a cut: counted with those lost by faults. */
    void countDropped() {
        dropped.incrementAndGet();
    }

    long droppedFrames() {
        return dropped.get();
    }

    long duplicatedFrames() {
        return duplicated.get();
    }

    long delayedFrames() {
        return delayed.get();
    }

    long reorderedFrames() {
        return reordered.get();
    }

    /** @return whether the delivery thread is running. */
    boolean isDelivering() {
        synchronized (lifecycle) {
            return null != deliveryThread && deliveryThread.isAlive();
        }
    }

    /**
     * Stops the delivery thread and drops the frames still waiting, counting them. Frames that would wait after
     * this are dropped too; frames that need no waiting still go straight through. Idempotent.
     */
    @Override
    public void close() {
        final Thread thread;
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
            thread = deliveryThread;
        }
        if (null != thread) {
            thread.interrupt();
            joinQuietly(thread);
        }
        // Not drainTo, which takes only the frames already due.
        final Iterator<WaitingFrame> lost = waiting.iterator();
        while (lost.hasNext()) {
            lost.next().link.releaseInFlight();
            lost.remove();
            dropped.incrementAndGet();
        }
    }

    private SendResult forward(NodeAddress from, MemoryTransport.Link link, MemoryTransport destination,
        ByteBuffer frame, int length, LinkFaults faults) {
        long delayNs = faults.minDelayNs();
        if (faults.maxDelayNs() > faults.minDelayNs()) {
            delayNs += nextLong(faults.maxDelayNs() - faults.minDelayNs() + 1);
        }
        final boolean heldBack = faults.reorderDelayNs() > 0 && nextDouble() < faults.reorderProbability();
        if (heldBack) {
            delayNs += nextLong(faults.reorderDelayNs() + 1);
        }
        if (0 == delayNs && !heldBack) {
            return destination.deliver(frame, length) ? SendResult.SENT : SendResult.BACK_PRESSURED;
        }
        if (!link.tryAddInFlight(faults.maxInFlightFrames())) {
            return SendResult.BACK_PRESSURED;
        }
        final byte[] copy = new byte[length];
        frame.get(frame.position(), copy);
        final WaitingFrame waitingFrame = new WaitingFrame(System.nanoTime() + delayNs, sequence.getAndIncrement(),
            from, link, destination, copy);
        if (!enqueue(waitingFrame)) {
            link.releaseInFlight();
            dropped.incrementAndGet();
            return SendResult.SENT;
        }
        delayed.incrementAndGet();
        if (heldBack) {
            reordered.incrementAndGet();
        }
        return SendResult.SENT;
    }

    private boolean enqueue(WaitingFrame frame) {
        synchronized (lifecycle) {
            if (closed) {
                return false;
            }
            if (null == deliveryThread) {
                deliveryThread = new Thread(this::deliverWhenDue, "skiff-mem-delivery-" + Long.toHexString(seed));
                deliveryThread.setDaemon(true);
                deliveryThread.start();
            }
            waiting.add(frame);
            return true;
        }
    }

    private void deliverWhenDue() {
        while (!closed) {
            final WaitingFrame frame;
            try {
                frame = waiting.take();
            } catch (InterruptedException e) {
                return;
            }
            frame.link.releaseInFlight();
            // A cut made or a destination closed while the frame waited loses it, as a real network would.
            if (frame.destination.isClosed() || network.cuts(frame.from, frame.destination.address())
                || !frame.destination.deliver(frame.bytes)) {
                dropped.incrementAndGet();
            }
        }
    }

    private static void joinQuietly(Thread thread) {
        try {
            thread.join(CLOSE_WAIT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private double nextDouble() {
        return (mix(randomState.addAndGet(GOLDEN_GAMMA)) >>> 11) * DOUBLE_UNIT;
    }

    /** @return a draw in [0, bound); the modulo bias is negligible for the bounds of delays in nanoseconds. */
    private long nextLong(long bound) {
        return Long.remainderUnsigned(mix(randomState.addAndGet(GOLDEN_GAMMA)), bound);
    }

    /** SplitMix64's finalizer (Steele, Lea and Flood, 2014), as in {@link java.util.SplittableRandom}. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /**
     * A copied frame waiting for its time. Frames due at the same nanosecond leave in the order they were sent, so
     * a fixed delay keeps a link's order.
     */
    private static final class WaitingFrame implements Delayed {
        private final long dueNs;
        private final long sequence;
        private final NodeAddress from;
        private final MemoryTransport.Link link;
        private final MemoryTransport destination;
        private final byte[] bytes;

        WaitingFrame(long dueNs, long sequence, NodeAddress from, MemoryTransport.Link link,
            MemoryTransport destination, byte[] bytes) {
            this.dueNs = dueNs;
            this.sequence = sequence;
            this.from = from;
            this.link = link;
            this.destination = destination;
            this.bytes = bytes;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(dueNs - System.nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            final WaitingFrame that = (WaitingFrame)other;
            final int byTime = Long.compare(dueNs - that.dueNs, 0);
            return 0 != byTime ? byTime : Long.compare(sequence, that.sequence);
        }
    }
}
