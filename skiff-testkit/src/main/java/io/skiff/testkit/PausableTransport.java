package io.skiff.testkit;

import io.skiff.NodeAddress;
import io.skiff.spi.FrameHandler;
import io.skiff.spi.SendResult;
import io.skiff.spi.Transport;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A node's transport in a {@link LocalCluster}, which can stall the node's loop: a stop-the-world pause.
 *
 * <p>The node's loop calls {@link #poll} once per duty cycle, on its own thread, and does all of its work (timers,
 * frames, client operations, storage, sends) on that thread. While paused, {@code poll} does not return, so the
 * node does nothing at all: no election timer fires, no heartbeat leaves, no operation is served, and its clock
 * seems to jump when it resumes. Frames sent to it meanwhile wait in its inbox, as they wait in a socket buffer of a
 * stalled process, rather than being lost as across a partition. Nothing in the node changes to allow this.
 *
 * <p>A paused node that is stopped (a crash, a restart, the cluster closing) is first {@link #sever severed}: it
 * leaves the pause but receives and sends nothing more, so its last moments cannot reach the cluster.
 */
final class PausableTransport implements Transport {
    private final Transport delegate;
    private final NodeAddress address;
    /** Guards the hand-over between the loop entering the pause and the thread that asked for it. */
    private final Object gate = new Object();
    private volatile boolean pauseRequested;
    private volatile boolean severed;
    private boolean held;

    PausableTransport(Transport delegate, NodeAddress address) {
        this.delegate = delegate;
        this.address = address;
    }

    @Override
    public SendResult send(NodeAddress peer, ByteBuffer frame) {
        return severed ? SendResult.CLOSED : delegate.send(peer, frame);
    }

    @Override
    public int poll(FrameHandler handler, int frameLimit) {
        if (pauseRequested) {
            hold();
        }
        return severed ? 0 : delegate.poll(handler, frameLimit);
    }

    @Override
    public void connect(NodeAddress peer) {
        delegate.connect(peer);
    }

    @Override
    public void disconnect(NodeAddress peer) {
        delegate.disconnect(peer);
    }

    @Override
    public Map<String, Long> stats() {
        return delegate.stats();
    }

    @Override
    public int maxFrameLength() {
        return delegate.maxFrameLength();
    }

    @Override
    public void close() {
        delegate.close();
    }

    /**
     * Stalls the node's loop and waits until it is stalled. Idempotent.
     *
     * @param timeoutNs how long the loop may take to reach its next poll.
     * @throws IllegalStateException when the loop does not stall in time: it is stopped or stuck elsewhere. The
     *                               pause is then withdrawn.
     */
    void pause(long timeoutNs) {
        synchronized (gate) {
            pauseRequested = true;
            final long deadlineNs = System.nanoTime() + timeoutNs;
            long leftNs = timeoutNs;
            while (!held && leftNs > 0) {
                waitOnGate(leftNs);
                leftNs = deadlineNs - System.nanoTime();
            }
            if (!held) {
                pauseRequested = false;
                throw new IllegalStateException("node " + address + " did not stall within "
                    + TimeUnit.NANOSECONDS.toMillis(timeoutNs) + " ms: expected its loop to poll its transport, "
                    + "but the loop is stopped or stuck");
            }
        }
    }

    /** Lets the loop go on; frames that arrived meanwhile are handled in its next cycles. Idempotent. */
    void resume() {
        synchronized (gate) {
            pauseRequested = false;
            gate.notifyAll();
        }
    }

    /** Ends the pause for a node about to stop: it will receive and send nothing more. */
    void sever() {
        synchronized (gate) {
            severed = true;
            pauseRequested = false;
            gate.notifyAll();
        }
    }

    boolean isPaused() {
        return pauseRequested;
    }

    /** On the node's loop thread: waits out the pause. */
    private void hold() {
        synchronized (gate) {
            held = true;
            gate.notifyAll();
            try {
                while (pauseRequested) {
                    gate.wait();
                }
            } catch (InterruptedException e) {
                // The node is being stopped while paused (its runner interrupts a loop that does not finish).
                severed = true;
                pauseRequested = false;
                Thread.currentThread().interrupt();
            } finally {
                held = false;
            }
        }
    }

    private void waitOnGate(long timeoutNs) {
        try {
            TimeUnit.NANOSECONDS.timedWait(gate, timeoutNs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while pausing node " + address, e);
        }
    }

    @Override
    public String toString() {
        return "PausableTransport{" + delegate + (pauseRequested ? ", paused" : "") + (severed ? ", severed" : "")
            + "}";
    }
}
