package io.skiff.benchmarks.load;

import io.skiff.LevelUp;
import io.skiff.SkiffNode;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The cluster load tool: starts a cluster in this JVM, drives it with clients that each keep a window of requests
 * outstanding (a closed loop: a request is issued again as soon as one completes), and reports throughput,
 * latency percentiles, elections and leader changes during the run (which must be zero under load) and the
 * allocation per request of the leader's threads.
 *
 * <p>Run it as {@code java -jar benchmarks.jar load [options]} (see {@link LoadOptions#USAGE}); a command-line
 * front end calls {@link #run(String[], PrintStream, PrintStream)} with its arguments.
 */
public final class LoadTool {
    /** Exit status: the run completed with no election. */
    public static final int OK = 0;
    /** Exit status: the run failed to start or the options were wrong. */
    public static final int FAILED = 1;
    /** Exit status: the run completed, but an election or leader change happened under load. */
    public static final int ELECTIONS = 3;

    private static final long DRAIN_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(30);
    private static final int PREFILL_WINDOW = 256;

    private final LoadOptions options;
    private final PrintStream progress;
    private final LatencyHistogram liveWrites = new LatencyHistogram();
    private final LatencyHistogram liveReads = new LatencyHistogram();
    private final LatencyHistogram writes = new LatencyHistogram();
    private final LatencyHistogram reads = new LatencyHistogram();
    private final Map<String, AtomicLong> errors = new ConcurrentHashMap<>();
    private final AtomicInteger outstanding = new AtomicInteger();
    private final byte[][] keys;
    private final byte[] value;
    private volatile boolean running = true;
    private volatile long measureStartNs = Long.MAX_VALUE;
    private volatile long measureEndNs = Long.MAX_VALUE;

    private LoadTool(LoadOptions options, PrintStream progress) {
        this.options = options;
        this.progress = progress;
        keys = new byte[options.keys()][];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = String.format(Locale.ROOT, "key-%08d", i).getBytes(StandardCharsets.US_ASCII);
        }
        value = new byte[options.valueBytes()];
        ThreadLocalRandom.current().nextBytes(value);
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Parses the options, runs the load and prints the result (a table, or JSON with {@code --json}) to {@code out};
     * progress lines and errors go to {@code err}.
     *
     * @return {@link #OK}, {@link #FAILED} or {@link #ELECTIONS}.
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        final LoadOptions options;
        try {
            if (List.of(args).contains("--help")) {
                out.println(LoadOptions.USAGE);
                return OK;
            }
            options = LoadOptions.parse(args);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return FAILED;
        }
        final LoadReport report;
        try {
            report = run(options, err);
        } catch (RuntimeException e) {
            err.println("the load run failed: " + e);
            e.printStackTrace(err);
            return FAILED;
        }
        out.println(options.json() ? report.toJson() : report.table());
        if (null != options.jsonOut()) {
            try {
                Files.writeString(options.jsonOut(), report.toJson() + System.lineSeparator(), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                err.println("cannot append the result to " + options.jsonOut() + ": " + e);
                return FAILED;
            }
        }
        if (report.elections() > 0 || report.leaderChanges() > 0) {
            err.printf("%d election(s) and %d leader change(s) happened under load; expected none%n",
                report.elections(), report.leaderChanges());
            return ELECTIONS;
        }
        return OK;
    }

    /**
     * Runs the load on a new in-process cluster, closed at the end.
     *
     * @param progress where progress lines go (every {@link LoadOptions#progressInterval()}).
     * @return the report.
     */
    public static LoadReport run(LoadOptions options, PrintStream progress) {
        return new LoadTool(options, progress).run();
    }

    private LoadReport run() {
        try (InProcessCluster cluster = InProcessCluster.start(options.cluster())) {
            final SkiffNode leader = cluster.awaitLeader();
            final List<LevelUp> targets = new ArrayList<>();
            for (SkiffNode node : options.allNodes() ? cluster.nodes() : List.of(leader)) {
                targets.add(node.levelup());
            }
            if (options.readPercent() > 0) {
                prefill(leader.levelup());
            }
            final long electionsBefore = cluster.counterSum("elections");
            final long leaderChangesBefore = cluster.counterSum("leaderChanges");
            final long startNs = System.nanoTime();
            for (int client = 0; client < options.clients(); client++) {
                final LevelUp target = targets.get(client % targets.size());
                for (int i = 0; i < options.inFlight(); i++) {
                    outstanding.incrementAndGet();
                    issue(target);
                }
            }
            ThreadAllocation allocationAtStart = null;
            final long warmupEndNs = startNs + options.warmup().toNanos();
            final long endNs = warmupEndNs + options.duration().toNanos();
            final ProgressPrinter printer = new ProgressPrinter(startNs, warmupEndNs, cluster, electionsBefore,
                leaderChangesBefore);
            final long intervalNs = options.progressInterval().toNanos();
            long nextLineNs = intervalNs == 0 ? Long.MAX_VALUE : startNs + intervalNs;
            boolean measuring = false;
            while (true) {
                final long now = System.nanoTime();
                if (!measuring && now >= warmupEndNs) {
                    allocationAtStart = ThreadAllocation.snapshot();
                    measureStartNs = System.nanoTime();
                    measuring = true;
                }
                if (now >= endNs) {
                    break;
                }
                if (now >= nextLineNs) {
                    printer.print(now);
                    nextLineNs += intervalNs;
                }
                // The main thread only keeps time: it sleeps until the next thing it has to do.
                final long wakeNs = Math.min(Math.min(endNs, nextLineNs), measuring ? endNs : warmupEndNs);
                LockSupport.parkNanos(Math.max(1, wakeNs - System.nanoTime()));
            }
            measureEndNs = System.nanoTime();
            final ThreadAllocation allocationAtEnd = ThreadAllocation.snapshot();
            running = false;
            drain();
            final double seconds = (measureEndNs - measureStartNs) / 1e9;
            final long requests = writes.count() + reads.count();
            final String loop = "skiff-node-" + leader.address();
            final String events = "skiff-events-" + leader.address();
            final long jvmBytes = allocationAtEnd.totalSince(allocationAtStart);
            final Map<String, Long> errorCounts = new TreeMap<>();
            errors.forEach((type, count) -> errorCounts.put(type, count.get()));
            return new LoadReport(options, seconds, OperationStats.of(writes, seconds),
                OperationStats.of(reads, seconds), errorCounts, cluster.counterSum("elections") - electionsBefore,
                cluster.counterSum("leaderChanges") - leaderChangesBefore,
                perRequest(allocationAtEnd.threadSince(allocationAtStart, loop), requests),
                perRequest(allocationAtEnd.threadSince(allocationAtStart, events), requests),
                perRequest(jvmBytes, requests), environment());
        }
    }

    /** Writes every key once, so that reads find values of the configured size. */
    private void prefill(LevelUp db) {
        final List<CompletableFuture<Void>> window = new ArrayList<>();
        for (byte[] key : keys) {
            window.add(db.put(key, value));
            if (window.size() == PREFILL_WINDOW) {
                CompletableFuture.allOf(window.toArray(CompletableFuture[]::new)).join();
                window.clear();
            }
        }
        CompletableFuture.allOf(window.toArray(CompletableFuture[]::new)).join();
    }

    /**
     * Issues requests until one is still outstanding; a request that completed at once is handled here, in a loop,
     * rather than in a callback that would recurse.
     */
    private void issue(LevelUp db) {
        while (running) {
            final ThreadLocalRandom random = ThreadLocalRandom.current();
            final boolean read = random.nextInt(100) < options.readPercent();
            final byte[] key = keys[random.nextInt(keys.length)];
            final long issuedNs = System.nanoTime();
            final CompletableFuture<?> request = read ? db.get(key, options.readConsistency()) : db.put(key, value);
            if (!request.isDone()) {
                request.whenComplete((result, error) -> {
                    completed(read, issuedNs, error);
                    issue(db);
                });
                return;
            }
            completed(read, issuedNs, request.handle((result, error) -> error).join());
        }
        outstanding.decrementAndGet();
    }

    private void completed(boolean read, long issuedNs, Throwable error) {
        final long now = System.nanoTime();
        if (null != error) {
            final Throwable cause = error instanceof CompletionException && null != error.getCause()
                ? error.getCause() : error;
            errors.computeIfAbsent(cause.getClass().getSimpleName(), type -> new AtomicLong()).incrementAndGet();
            return;
        }
        final long latencyNs = now - issuedNs;
        (read ? liveReads : liveWrites).record(latencyNs);
        if (issuedNs >= measureStartNs && now <= measureEndNs) {
            (read ? reads : writes).record(latencyNs);
        }
    }

    private void drain() {
        final long deadline = System.nanoTime() + DRAIN_TIMEOUT_NS;
        while (outstanding.get() > 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("expected every request to complete within 30 s of the end, actual "
                    + outstanding.get() + " outstanding");
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    private static long perRequest(long bytes, long requests) {
        return requests == 0 ? 0 : bytes / requests;
    }

    private static String environment() {
        final Runtime runtime = Runtime.getRuntime();
        return String.format(Locale.ROOT, "%s %s, %d CPUs, max heap %d MiB, %s %s, %s",
            System.getProperty("java.vm.name"), System.getProperty("java.runtime.version"),
            runtime.availableProcessors(), runtime.maxMemory() >> 20, System.getProperty("os.name"),
            System.getProperty("os.arch"), Instant.now());
    }

    /** Prints one line per interval: the rates and percentiles of that interval alone. */
    private final class ProgressPrinter {
        private final long startNs;
        private final long warmupEndNs;
        private final InProcessCluster cluster;
        private final long electionsBefore;
        private final long leaderChangesBefore;
        private long lastNs;
        private long[] lastWrites;
        private long[] lastReads;

        ProgressPrinter(long startNs, long warmupEndNs, InProcessCluster cluster, long electionsBefore,
            long leaderChangesBefore) {
            this.startNs = startNs;
            this.warmupEndNs = warmupEndNs;
            this.cluster = cluster;
            this.electionsBefore = electionsBefore;
            this.leaderChangesBefore = leaderChangesBefore;
            lastNs = startNs;
            lastWrites = liveWrites.counts();
            lastReads = liveReads.counts();
        }

        void print(long now) {
            final long[] writeCounts = liveWrites.counts();
            final long[] readCounts = liveReads.counts();
            final double seconds = (now - lastNs) / 1e9;
            final StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "[%6.1f s %-7s]",
                (now - startNs) / 1e9, now < warmupEndNs ? "warm-up" : "measure"));
            append(line, "put", LatencyHistogram.difference(writeCounts, lastWrites), seconds);
            append(line, "get", LatencyHistogram.difference(readCounts, lastReads), seconds);
            final long errorCount = errors.values().stream().mapToLong(AtomicLong::get).sum();
            line.append(String.format(Locale.ROOT, " | errors %d | elections %d, leader changes %d", errorCount,
                cluster.counterSum("elections") - electionsBefore,
                cluster.counterSum("leaderChanges") - leaderChangesBefore));
            progress.println(line);
            lastNs = now;
            lastWrites = writeCounts;
            lastReads = readCounts;
        }

        private void append(StringBuilder line, String name, long[] counts, double seconds) {
            final long count = LatencyHistogram.total(counts);
            if (count > 0) {
                line.append(String.format(Locale.ROOT, " %s %,10.0f/s p50 %,8.1f µs p99 %,9.1f µs", name,
                    count / seconds, LatencyHistogram.percentile(counts, 0.5) / 1e3,
                    LatencyHistogram.percentile(counts, 0.99) / 1e3));
            }
        }
    }
}
