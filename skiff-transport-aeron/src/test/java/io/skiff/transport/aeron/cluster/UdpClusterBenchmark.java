package io.skiff.transport.aeron.cluster;

import io.skiff.LevelUp;
import io.skiff.SkiffEvent;
import io.skiff.SkiffNode;
import io.skiff.SkiffOptions;
import io.skiff.storage.xodus.Durability;
import io.skiff.storage.xodus.XodusStorageOptions;
import io.skiff.transport.aeron.AeronTransportOptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

/**
 * Commit throughput and latency of a 3-node cluster in one JVM over Aeron UDP (127.0.0.1), with memory storage and
 * with durable Xodus storage (fsync per group commit), at 1 and at 64 writes in flight: 100-byte values put through
 * the leader's {@link LevelUp} over a key space of {@value #KEY_SPACE} keys, timed from the call to the completion
 * of its future. Every run starts a fresh cluster with default options (elections 300-600 ms, heartbeat 100 ms),
 * warms up, then measures; election timeouts and leader changes during a run are listed with their time since
 * the load started. Not a unit test: the figures depend on the machine.
 *
 * <pre>{@code
 * mvn -q -pl skiff-transport-aeron -am package -DskipTests dependency:build-classpath \
 *     -Dmdep.outputFile=/tmp/skiff-cp.txt -Dmdep.includeScope=test
 * java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -Xmx1g -XX:+UseSerialGC \
 *     -cp skiff-transport-aeron/target/test-classes:skiff-transport-aeron/target/classes:$(cat /tmp/skiff-cp.txt) \
 *     io.skiff.transport.aeron.cluster.UdpClusterBenchmark [runs=3] [measureSeconds=10] [warmupSeconds=3] \
 *     [configurations=memory/1,memory/64,xodus/1,xodus/64]
 * }</pre>
 * A configuration is STORAGE/IN_FLIGHT; STORAGE is {@code memory}, {@code xodus} (fsync per commit) or
 * {@code xodus-nosync} (Xodus without fsync, to tell the cost of fsync from the rest).
 * System properties: {@code aeronIdle} (backoff, sleep, yield, busy-spin) sets the media driver's idle strategy,
 * {@code batchEntriesLimit} the log entries per AppendEntries (default 10, as the original Skiff).
 */
public final class UdpClusterBenchmark {
    private static final int VALUE_BYTES = 100;
    private static final int KEY_SPACE = 10_000;
    private static final int MAX_SAMPLES = 4_000_000;
    private static final long DRAIN_TIMEOUT_S = 30;
    /** Configuration name of Xodus storage that commits to the operating system only, to see what fsync costs. */
    private static final String NO_SYNC = "xodus-nosync";

    private UdpClusterBenchmark() {
    }

    /** One measured run: completions per second in the window, latencies in microseconds. */
    private record Result(double writesPerSecond, double p50Us, double p99Us, double maxUs, long failed,
        long elections, double coresUsed) {
    }

    public static void main(String[] args) throws Exception {
        final int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        final long measureNs = TimeUnit.SECONDS.toNanos(args.length > 1 ? Long.parseLong(args[1]) : 10);
        final long warmupNs = TimeUnit.SECONDS.toNanos(args.length > 2 ? Long.parseLong(args[2]) : 3);
        final String[] configurations = (args.length > 3 ? args[3] : "memory/1,memory/64,xodus/1,xodus/64")
            .split(",");
        final String idle = System.getProperty("aeronIdle", AeronTransportOptions.DEFAULT_IDLE_STRATEGY.optionName());
        final int batchEntriesLimit = Integer.getInteger("batchEntriesLimit", SkiffOptions.DEFAULT_BATCH_ENTRIES_LIMIT);
        System.out.printf("%d runs of %d s after %d s warm-up; %d-byte values; %d keys; Aeron driver idle %s; "
                + "batchEntriesLimit %d; %d cores%n", runs, TimeUnit.NANOSECONDS.toSeconds(measureNs),
            TimeUnit.NANOSECONDS.toSeconds(warmupNs), VALUE_BYTES, KEY_SPACE, idle, batchEntriesLimit,
            Runtime.getRuntime().availableProcessors());
        final SkiffOptions template = SkiffOptions.builder()
            .providerOptions(AeronTransportOptions.builder().idleStrategy(idle).build())
            .batchEntriesLimit(batchEntriesLimit)
            .build();
        final List<String> summary = new ArrayList<>();
        for (String configuration : configurations) {
            final String storage = configuration.split("/")[0];
            final int inFlight = Integer.parseInt(configuration.split("/")[1]);
            final Result[] results = new Result[runs];
            for (int run = 0; run < runs; run++) {
                results[run] = runOnce(template, storage, inFlight, warmupNs, measureNs);
                System.out.printf("%-6s %3d in flight, run %d: %,9.0f writes/s  p50 %,8.1f us  p99 %,8.1f us  "
                        + "max %,9.1f us  failed %d  elections %d  CPU %.2f cores%n", storage, inFlight, run + 1,
                    results[run].writesPerSecond, results[run].p50Us, results[run].p99Us, results[run].maxUs,
                    results[run].failed, results[run].elections, results[run].coresUsed);
            }
            summary.add(String.format("%-6s %3d in flight, median of %d: %,9.0f writes/s  p50 %,8.1f us  p99 %,8.1f us"
                    + "  (writes/s runs: %s)", storage, inFlight, runs,
                median(results, Result::writesPerSecond), median(results, Result::p50Us),
                median(results, Result::p99Us), Arrays.toString(Arrays.stream(results)
                    .mapToLong(r -> Math.round(r.writesPerSecond)).toArray())));
        }
        summary.forEach(System.out::println);
    }

    private static Result runOnce(SkiffOptions template, String storage, int inFlight, long warmupNs, long measureNs)
        throws IOException, InterruptedException {
        final Path location = Files.createTempDirectory("skiff-udp-benchmark");
        final SkiffOptions.Builder builder = template.toBuilder().location(location);
        if (NO_SYNC.equals(storage)) {
            builder.storage("xodus")
                .providerOptions(XodusStorageOptions.builder().durability(Durability.NO_SYNC).build());
        } else {
            builder.storage(storage);
        }
        final SkiffOptions options = builder.build();
        try (UdpCluster cluster = UdpCluster.start(3, options)) {
            final SkiffNode leader = cluster.awaitLeader();
            final long loadStartNs = System.nanoTime();
            final List<String> elections = new CopyOnWriteArrayList<>();
            for (int i = 0; i < cluster.size(); i++) {
                cluster.node(i).on(SkiffEvent.ElectionTimeout.class, event -> elections.add(String.format(
                    "%.3f s: election timeout at %s in term %d", (System.nanoTime() - loadStartNs) / 1e9,
                    event.node(), event.term())));
                cluster.node(i).on(SkiffEvent.LeaderChanged.class, event -> elections.add(String.format(
                    "%.3f s: %s follows %s in term %d", (System.nanoTime() - loadStartNs) / 1e9, event.node(),
                    event.leader(), event.term())));
            }
            final Result result = load(cluster, leader, inFlight, warmupNs, measureNs);
            elections.forEach(line -> System.out.println("  " + line));
            return result;
        } finally {
            deleteRecursively(location);
        }
    }

    /**
     * Keeps {@code inFlight} puts outstanding on the leader: each completion (on the node's event thread) frees a
     * slot that this thread fills at once.
     */
    private static Result load(UdpCluster cluster, SkiffNode leader, int inFlight, long warmupNs, long measureNs)
        throws InterruptedException {
        final LevelUp db = leader.levelup();
        final byte[][] keys = new byte[KEY_SPACE][];
        for (int i = 0; i < KEY_SPACE; i++) {
            keys[i] = String.format("key-%06d", i).getBytes(StandardCharsets.UTF_8);
        }
        final byte[] value = new byte[VALUE_BYTES];
        new Random(1).nextBytes(value);
        final long[] latenciesNs = new long[MAX_SAMPLES];
        final AtomicInteger samples = new AtomicInteger();
        final AtomicLong completedInWindow = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final Semaphore window = new Semaphore(inFlight);

        final long startNs = System.nanoTime();
        final long measureStartNs = startNs + warmupNs;
        final long endNs = measureStartNs + measureNs;
        long electionsAtStart = -1;
        long cpuAtStartNs = 0;
        long i = 0;
        for (long nowNs = startNs; nowNs < endNs; nowNs = System.nanoTime()) {
            if (electionsAtStart < 0 && nowNs >= measureStartNs) {
                electionsAtStart = cluster.counterSum("elections");
                cpuAtStartNs = processCpuNs();
            }
            window.acquireUninterruptibly();
            final long sentNs = System.nanoTime();
            db.put(keys[(int)(i++ % KEY_SPACE)], value).whenComplete((ignored, failure) -> {
                final long doneNs = System.nanoTime();
                if (null != failure) {
                    failed.incrementAndGet();
                } else if (doneNs >= measureStartNs && doneNs < endNs) {
                    completedInWindow.incrementAndGet();
                    if (sentNs >= measureStartNs) {
                        final int sample = samples.getAndIncrement();
                        if (sample < MAX_SAMPLES) {
                            latenciesNs[sample] = doneNs - sentNs;
                        }
                    }
                }
                window.release();
            });
        }
        final long cpuNs = processCpuNs() - cpuAtStartNs;
        final long elections = cluster.counterSum("elections") - electionsAtStart;
        if (!window.tryAcquire(inFlight, DRAIN_TIMEOUT_S, TimeUnit.SECONDS)) {
            throw new IllegalStateException("writes still pending " + DRAIN_TIMEOUT_S + " s after the run ended");
        }
        final long[] sorted = Arrays.copyOf(latenciesNs, Math.min(samples.get(), MAX_SAMPLES));
        Arrays.sort(sorted);
        return new Result(completedInWindow.get() / (measureNs / 1e9), percentileUs(sorted, 0.50),
            percentileUs(sorted, 0.99), sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1000.0, failed.get(),
            elections, (double)cpuNs / measureNs);
    }

    private static double percentileUs(long[] sorted, double fraction) {
        return sorted.length == 0 ? 0 : sorted[(int)(sorted.length * fraction)] / 1000.0;
    }

    private static double median(Result[] results, ToDoubleFunction<Result> metric) {
        final double[] values = Arrays.stream(results).mapToDouble(metric).sorted().toArray();
        return values[values.length / 2];
    }

    private static long processCpuNs() {
        return ProcessHandle.current().info().totalCpuDuration().orElseThrow().toNanos();
    }

    private static void deleteRecursively(Path directory) throws IOException {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : (Iterable<Path>)paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(path);
            }
        }
    }
}
