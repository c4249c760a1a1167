package io.skiff.core.runtime;

import io.skiff.SkiffEvent;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A node's event thread: completes futures and runs listeners in the order the loop produced them. Completions
 * are bounded by the node's pending-operation limit, so the queue is sized never to refuse one; events beyond the
 * queue's room are dropped and counted rather than stall the loop.
 */
final class EventDispatcher implements NodeHost.HostedEvents {
    private final ManyToOneConcurrentArrayQueue<Runnable> queue;
    private final Listeners listeners;
    private final Thread thread;
    private final AtomicLong droppedEvents = new AtomicLong();
    private volatile boolean running = true;

    EventDispatcher(String name, int capacity, Listeners listeners) {
        this.queue = new ManyToOneConcurrentArrayQueue<>(capacity);
        this.listeners = listeners;
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void complete(Runnable completion) {
        offer(completion);
        // A caller waits on this future: wake the event thread now rather than when its park times out.
        java.util.concurrent.locks.LockSupport.unpark(thread);
    }

    private void offer(Runnable completion) {
        while (!queue.offer(completion)) {
            Thread.onSpinWait();
            if (!running) {
                completion.run();
                return;
            }
        }
    }

    @Override
    public void publish(SkiffEvent event) {
        if (!queue.offer(() -> listeners.deliver(event))) {
            droppedEvents.incrementAndGet();
        }
    }

    @Override
    public long droppedEvents() {
        return droppedEvents.get();
    }

    private void run() {
        final IdleStrategy idle = new BackoffIdleStrategy(100, 10, 1_000, 100_000);
        while (running || !queue.isEmpty()) {
            idle.idle(queue.drain(Runnable::run));
        }
    }

    /** Runs everything queued so far, then stops the thread. */
    @Override
    public void close() {
        running = false;
        if (Thread.currentThread() != thread) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
