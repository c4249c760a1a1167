package io.skiff.benchmarks;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Commit throughput of the Raft core alone, the pure hot path with no I/O and no threads: a leader on in-memory
 * storage with two followers that acknowledge every AppendEntries at once (see {@link LoneLeader}). One operation
 * is one committed 100-byte command, proposed alone ({@code commitOne}) or in a batch of 64
 * ({@code commitBatchOf64}), with the default options (10 entries per AppendEntries, a window of 64).
 *
 * <p>This is the ceiling the runtime can approach: a cluster benchmark that is far below it spends its time
 * outside the core. {@code -prof gc} gives the core's allocation per committed entry.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {Workload.ADD_EXPORTS, "-Xmx1g"})
public class CoreStepBenchmark {
    private LoneLeader leader;

    @Setup(Level.Trial)
    public void setUp() {
        leader = new LoneLeader(Workload.VALUE_BYTES);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        leader.close();
    }

    /** @return the commit index. */
    @Benchmark
    public long commitOne() {
        return leader.commit(1);
    }

    /** @return the commit index. */
    @Benchmark
    @OperationsPerInvocation(64)
    public long commitBatchOf64() {
        return leader.commit(64);
    }
}
