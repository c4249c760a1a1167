package io.skiff.storage.xodus.store;

import io.skiff.spi.LogStore;
import io.skiff.storage.xodus.Durability;
import io.skiff.storage.xodus.XodusStorageOptions;

import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Throughput probe, not a test and not a benchmark (the JMH one belongs in skiff-benchmarks): appends per second
 * of 100-byte entries with one sync per entry, per 64 and per 1024 entries, median of 3 runs on a fresh directory,
 * plus the bytes allocated per appended and per read entry on this thread.
 *
 * <p>Run after {@code mvn verify} with the module's test class path, e.g.
 * {@code java -cp <classes:test-classes:dependencies> io.skiff.storage.xodus.store.LogAppendProbe [dir] [NO_SYNC]}.
 */
public final class LogAppendProbe {
    private static final int ENTRY_BYTES = 100;
    private static final int RUNS = 3;
    private static final long TARGET_NS = 3_000_000_000L;

    private LogAppendProbe() {
    }

    public static void main(String[] args) throws Exception {
        final Path base = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("skiff-probe");
        final Durability durability = args.length > 1 ? Durability.valueOf(args[1]) : Durability.FSYNC;
        final XodusStorageOptions options = XodusStorageOptions.builder().durability(durability).build();
        System.out.println("durability " + durability + ", " + ENTRY_BYTES + "-byte entries, median of " + RUNS
            + " runs, directory " + base);
        for (int batch : new int[] {1, 64, 1024}) {
            final double[] rates = new double[RUNS];
            final long entries = calibrate(base, options, batch);
            long allocatedPerAppend = 0;
            long allocatedPerRead = 0;
            for (int run = 0; run < RUNS; run++) {
                final Path dir = base.resolve("batch-" + batch + "-run-" + run);
                try (XodusStorage storage = XodusStorage.open(dir, TestStorage.NODE, options)) {
                    final LogStore log = storage.log();
                    final ByteBuffer entry = ByteBuffer.allocateDirect(ENTRY_BYTES);
                    final long allocatedBefore = allocated();
                    final long start = System.nanoTime();
                    for (long i = 1; i <= entries; i++) {
                        log.append(i, 1, entry);
                        if (i % batch == 0) {
                            log.sync();
                        }
                    }
                    log.sync();
                    final long elapsedNs = System.nanoTime() - start;
                    allocatedPerAppend = (allocated() - allocatedBefore) / entries;
                    rates[run] = entries * 1e9 / elapsedNs;
                    final long readBefore = allocated();
                    final long[] sum = {0};
                    for (long from = 1; from <= entries; from += 1024) {
                        log.read(from, Math.min(entries, from + 1023), Integer.MAX_VALUE,
                            (index, term, bytes) -> sum[0] += bytes.get(0));
                    }
                    allocatedPerRead = (allocated() - readBefore) / entries;
                }
                Directories.delete(dir);
            }
            Arrays.sort(rates);
            System.out.printf("sync every %4d entries: %,9.0f appends/s (runs %,.0f / %,.0f / %,.0f; %,d entries "
                    + "each); allocated per append %d B, per read entry %d B%n", batch, rates[RUNS / 2], rates[0],
                rates[1], rates[2], entries, allocatedPerAppend, allocatedPerRead);
        }
    }

    /** @return how many entries make a run of about {@link #TARGET_NS}, measured on a short trial. */
    private static long calibrate(Path base, XodusStorageOptions options, int batch) throws Exception {
        final Path dir = base.resolve("calibrate-" + batch);
        final long trial = batch * 20L;
        final long elapsedNs;
        try (XodusStorage storage = XodusStorage.open(dir, TestStorage.NODE, options)) {
            final ByteBuffer entry = ByteBuffer.allocateDirect(ENTRY_BYTES);
            final long start = System.nanoTime();
            for (long i = 1; i <= trial; i++) {
                storage.log().append(i, 1, entry);
                if (i % batch == 0) {
                    storage.log().sync();
                }
            }
            elapsedNs = System.nanoTime() - start;
        }
        Directories.delete(dir);
        final long entries = trial * TARGET_NS / Math.max(1, elapsedNs);
        return Math.max(batch, entries / batch * batch);
    }

    /** Reads com.sun.management.ThreadMXBean reflectively: this module does not read jdk.management. */
    static long allocated() throws ReflectiveOperationException {
        final Method method = Class.forName("com.sun.management.ThreadMXBean")
            .getMethod("getThreadAllocatedBytes", long.class);
        return (long)method.invoke(ManagementFactory.getThreadMXBean(), Thread.currentThread().getId());
    }
}
