package io.skiff.cli.demo;

import io.skiff.SkiffNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * The demo's clients: each keeps one operation in flight against a node it picks at random among the live ones,
 * nine writes of a fresh key for each read of a key written before. Every acknowledged write is remembered, so that
 * the demo can check afterwards that none was lost; every read must return the value acknowledged for its key, which
 * holds because each key is written once.
 */
final class Workload {
    /** How long {@link #stop()} waits for the operations in flight. */
    static final long STOP_TIMEOUT_MS = 15_000;

    private final int clients;
    private final ExecutorService executor;
    private final AtomicLong nextKey = new AtomicLong();
    private final Map<String, String> acknowledged = new ConcurrentHashMap<>();
    private final List<String> acknowledgedKeys = new ArrayList<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong writes = new AtomicLong();
    private final AtomicLong reads = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong wrongReads = new AtomicLong();
    private final AtomicLong lastAcknowledgedNs = new AtomicLong();
    private final Latencies latencies = new Latencies();
    private final List<String> wrongReadExamples = new ArrayList<>();
    private volatile List<SkiffNode> live;
    private volatile boolean running;

    Workload(int clients, List<SkiffNode> nodes) {
        this.clients = clients;
        this.live = List.copyOf(nodes);
        // Completions hop to this pool, so that a client's next operation never runs on a node's event thread.
        this.executor = Executors.newFixedThreadPool(2, runnable -> {
            final Thread thread = new Thread(runnable, "skiff-demo-client");
            thread.setDaemon(true);
            return thread;
        });
    }

    void start() {
        running = true;
        for (int i = 0; i < clients; i++) {
            executor.execute(this::next);
        }
    }

    /** @param nodes the nodes clients may pick from now on; a stopped node must be taken out before it stops. */
    void live(List<SkiffNode> nodes) {
        live = List.copyOf(nodes);
    }

    /** Stops issuing operations and waits for those in flight. */
    void stop() {
        running = false;
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STOP_TIMEOUT_MS);
        while (inFlight.get() > 0 && System.nanoTime() - deadlineNs < 0) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        executor.shutdown();
    }

    private void next() {
        if (!running) {
            return;
        }
        final List<SkiffNode> nodes = live;
        final SkiffNode node = nodes.get(ThreadLocalRandom.current().nextInt(nodes.size()));
        final String readKey = ThreadLocalRandom.current().nextInt(10) == 0 ? someAcknowledgedKey() : null;
        inFlight.incrementAndGet();
        final long startNs = System.nanoTime();
        if (null != readKey) {
            call(() -> node.levelup().get(readKey)).whenCompleteAsync((value, failure) -> {
                onRead(readKey, value, failure, startNs);
                done();
            }, executor);
        } else {
            final String key = String.format("demo-%08d", nextKey.incrementAndGet());
            final String value = "value of " + key + " written through " + node.address();
            call(() -> node.levelup().put(key, value)).whenCompleteAsync((ignored, failure) -> {
                onWrite(key, value, failure, startNs);
                done();
            }, executor);
        }
    }

    private void done() {
        inFlight.decrementAndGet();
        next();
    }

    private void onWrite(String key, String value, Throwable failure, long startNs) {
        if (null != failure) {
            // Not acknowledged: it may or may not be applied, and the check ignores it either way.
            failed.incrementAndGet();
            return;
        }
        final long nowNs = System.nanoTime();
        latencies.record((nowNs - startNs) / 1000);
        acknowledged.put(key, value);
        synchronized (acknowledgedKeys) {
            acknowledgedKeys.add(key);
        }
        writes.incrementAndGet();
        lastAcknowledgedNs.set(nowNs);
    }

    private void onRead(String key, Optional<String> value, Throwable failure, long startNs) {
        if (null != failure) {
            failed.incrementAndGet();
            return;
        }
        latencies.record((System.nanoTime() - startNs) / 1000);
        reads.incrementAndGet();
        if (!value.equals(Optional.of(acknowledged.get(key)))) {
            wrongReads.incrementAndGet();
            synchronized (wrongReadExamples) {
                if (wrongReadExamples.size() < 5) {
                    wrongReadExamples.add(key + " read " + value.orElse("nothing") + ", acknowledged "
                        + acknowledged.get(key));
                }
            }
        }
    }

    private String someAcknowledgedKey() {
        synchronized (acknowledgedKeys) {
            return acknowledgedKeys.isEmpty() ? null
                : acknowledgedKeys.get(ThreadLocalRandom.current().nextInt(acknowledgedKeys.size()));
        }
    }

    private static <T> CompletableFuture<T> call(Supplier<CompletableFuture<T>> operation) {
        try {
            return operation.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    Map<String, String> acknowledged() {
        return acknowledged;
    }

    long writes() {
        return writes.get();
    }

    long reads() {
        return reads.get();
    }

    long failed() {
        return failed.get();
    }

    long wrongReads() {
        return wrongReads.get();
    }

    List<String> wrongReadExamples() {
        synchronized (wrongReadExamples) {
            return List.copyOf(wrongReadExamples);
        }
    }

    /** @return when the latest write was acknowledged, in {@link System#nanoTime()} terms, or 0 before any. */
    long lastAcknowledgedNs() {
        return lastAcknowledgedNs.get();
    }

    Latencies latencies() {
        return latencies;
    }
}
