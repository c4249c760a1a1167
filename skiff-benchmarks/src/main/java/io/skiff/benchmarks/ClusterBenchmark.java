package io.skiff.benchmarks;

import io.skiff.LevelUp;
import io.skiff.SkiffNode;
import io.skiff.benchmarks.load.ClusterSpec;
import io.skiff.benchmarks.load.InProcessCluster;
import io.skiff.benchmarks.load.ThreadAllocation;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A three-node cluster in this JVM ({@link InProcessCluster}: default options, {@code kv} state machine) over each
 * transport and storage, with 1 or 64 requests in flight, all sent to the leader's {@link LevelUp}: 100-byte
 * values written with {@code put}, read back with linearizable {@code get}s (ReadIndex) over 1,024 keys.
 *
 * <ul>
 *   <li>{@code write} / {@code read} (ops/s): the benchmark thread keeps {@code inFlight} requests outstanding and
 *       one operation is one request completed (it waits for the oldest, then issues the next in its place).</li>
 *   <li>{@code writeLatency} / {@code readLatency} (sample time, p50/p99): each operation is one request issued
 *       and awaited, while {@code inFlight - 1} other requests stay outstanding in the background (each issued
 *       again as soon as it completes), so the sampled time is the latency of one request under that load.</li>
 * </ul>
 *
 * <p>Xodus is durable: one fsync per log batch (group commit). With {@code -prof gc}, {@code gc.alloc.rate.norm}
 * of {@code write} on mem/memory is the whole cluster's allocation per committed write (three nodes and the
 * client); each iteration also prints the leader's loop thread alone. Every trial prints the elections and leader
 * changes it saw, which should be zero.
 */
@State(Scope.Benchmark)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {Workload.ADD_EXPORTS, "-Xmx1g"})
public class ClusterBenchmark {
    private static final int KEYS = 1024;

    @Param({"mem", "udp"})
    public String transport;

    @Param({"memory", "xodus"})
    public String storage;

    @Param({"1", "64"})
    public int inFlight;

    private InProcessCluster cluster;
    private SkiffNode leader;
    private LevelUp db;
    private final byte[][] keys = new byte[KEYS][];
    private final byte[] value = new byte[Workload.VALUE_BYTES];
    private CompletableFuture<?>[] window;
    private int next;
    private long issued;
    private BackgroundLoad background;
    private long electionsBefore;
    private long leaderChangesBefore;
    private ThreadAllocation allocationBefore;
    private long issuedBefore;

    @Setup(Level.Trial)
    public void startCluster() {
        cluster = InProcessCluster.start(ClusterSpec.of(transport, storage));
        leader = cluster.awaitLeader();
        db = leader.levelup();
        ThreadLocalRandom.current().nextBytes(value);
        final CompletableFuture<?>[] fills = new CompletableFuture<?>[KEYS];
        for (int i = 0; i < KEYS; i++) {
            keys[i] = ("key-" + i).getBytes(StandardCharsets.US_ASCII);
            fills[i] = db.put(keys[i], value);
        }
        CompletableFuture.allOf(fills).join();
        window = new CompletableFuture<?>[inFlight];
        electionsBefore = cluster.counterSum("elections");
        leaderChangesBefore = cluster.counterSum("leaderChanges");
    }

    @Setup(Level.Iteration)
    public void startIteration() {
        allocationBefore = ThreadAllocation.snapshot();
        issuedBefore = issued;
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public Object write() {
        return windowed(true);
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public Object read() {
        return windowed(false);
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Object writeLatency() {
        loadInBackground(true);
        return issue(true).join();
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Object readLatency() {
        loadInBackground(false);
        return issue(false).join();
    }

    /** Waits for the oldest request of the window, then issues a new one in its slot. */
    private Object windowed(boolean write) {
        final CompletableFuture<?> oldest = window[next];
        final Object result = null == oldest ? null : oldest.join();
        window[next] = issue(write);
        next = next + 1 == window.length ? 0 : next + 1;
        return result;
    }

    private CompletableFuture<?> issue(boolean write) {
        final byte[] key = keys[(int)(issued++ & (KEYS - 1))];
        return write ? db.put(key, value) : db.get(key);
    }

    private void loadInBackground(boolean write) {
        if (null == background && inFlight > 1) {
            background = new BackgroundLoad(inFlight - 1, write ? () -> db.put(keys[0], value) : () -> db.get(keys[0]));
        }
    }

    @TearDown(Level.Iteration)
    public void finishIteration() {
        for (int i = 0; i < window.length; i++) {
            if (null != window[i]) {
                window[i].join();
                window[i] = null;
            }
        }
        next = 0;
        // Requests of a background load are not counted, so the leader's allocation per request is printed only
        // when the benchmark thread issued every request.
        final boolean allCounted = null == background;
        if (null != background) {
            background.stop();
            background = null;
        }
        final long requests = issued - issuedBefore;
        if (allCounted && requests > 0) {
            final long leaderBytes = ThreadAllocation.snapshot().threadSince(allocationBefore,
                "skiff-node-" + leader.address());
            System.out.printf("%n  leader loop thread: %,d B allocated per request over %,d requests%n",
                leaderBytes / requests, requests);
        }
    }

    @TearDown(Level.Trial)
    public void stopCluster() {
        System.out.printf("%n  elections %d, leader changes %d during the trial (expected 0 and 0): %s%n",
            cluster.counterSum("elections") - electionsBefore,
            cluster.counterSum("leaderChanges") - leaderChangesBefore, cluster.describe());
        cluster.close();
    }
}
