package io.skiff.benchmarks;

import io.skiff.NodeAddress;
import io.skiff.SkiffOptions;
import io.skiff.core.codec.Checksums;
import io.skiff.core.codec.LogEntry;
import io.skiff.spi.LogStore;
import io.skiff.spi.Storage;
import io.skiff.spi.StorageContext;
import io.skiff.storage.xodus.Durability;
import io.skiff.storage.xodus.XodusStorageOptions;
import io.skiff.storage.xodus.XodusStorageProvider;
import org.agrona.concurrent.UnsafeBuffer;
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

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The Xodus log alone, through the storage SPI: appending sealed log entries of 100-byte commands (128 bytes with
 * the entry header) with group commit, one durable sync ({@code fsync}) per {@code batch} entries. One operation is
 * one appended entry, so the score is entries per second and the fsync rate is score / batch.
 *
 * <p>The log is compacted as it grows, as a node does after its snapshots, so that a long run keeps a bounded
 * amount of live data.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {Workload.ADD_EXPORTS, "-Xmx1g"})
public class LogAppendBenchmark {
    private static final long TERM = 1;
    private static final long RETAINED_ENTRIES = 100_000;

    @Param({"1", "64", "1024"})
    public int batch;

    private Path directory;
    private Storage storage;
    private LogStore log;
    private ByteBuffer entry;
    private long index;

    @Setup(Level.Trial)
    public void open() throws IOException {
        directory = Files.createTempDirectory("skiff-bench-log-");
        final SkiffOptions options = SkiffOptions.builder()
            .providerOptions(XodusStorageOptions.builder().durability(Durability.FSYNC).build()).build();
        storage = new XodusStorageProvider().open(new StorageContext(NodeAddress.parse("/mem/log"), options,
            directory));
        log = storage.log();
        index = log.lastIndex();
        entry = ByteBuffer.allocateDirect(LogEntry.HEADER_LENGTH + Workload.VALUE_BYTES);
        LogEntry.seal(new UnsafeBuffer(entry), 0, 1, TERM, LogEntry.TYPE_COMMAND, Workload.VALUE_BYTES,
            new Checksums());
    }

    /**
     * Appends one entry, and syncs after every {@code batch} entries.
     *
     * @return the entry's index.
     */
    @Benchmark
    public long append() {
        log.append(++index, TERM, entry);
        if (index % batch == 0) {
            log.sync();
        }
        return index;
    }

    @TearDown(Level.Iteration)
    public void compact() {
        log.sync();
        if (index - log.firstIndex() > 2 * RETAINED_ENTRIES) {
            final long upTo = index - RETAINED_ENTRIES;
            log.compactUpTo(upTo, TERM);
            log.sync();
        }
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        storage.close();
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
