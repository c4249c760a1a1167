package io.skiff.storage.xodus.store;

import io.skiff.spi.LogStore;
import io.skiff.storage.xodus.Durability;
import io.skiff.storage.xodus.XodusStorageOptions;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Compaction probe, not a test: what compacting the log costs the node's thread, as a node compacts after each
 * snapshot (by default every 100,000 entries, keeping the last 100). Appends 100-byte entries, 64 per sync, and
 * after every 100,000 compacts up to the last index minus 100 and syncs; prints, per round, the wall time, this
 * thread's CPU time and its allocation for {@code compactUpTo} plus the sync that commits it, and the median over
 * the rounds, and the process's CPU time for the whole run (Xodus's cleaner included). It uses the public API
 * only, so the same probe runs against a build from before the log had segments.
 *
 * <p>Run after {@code mvn verify} with the module's test class path, e.g.
 * {@code java -cp <classes:test-classes:dependencies> io.skiff.storage.xodus.store.LogCompactionProbe [dir] [NO_SYNC]
 * [rounds]}.
 */
public final class LogCompactionProbe {
    private static final int ENTRY_BYTES = 100;
    private static final int BATCH = 64;
    private static final long INTERVAL = 100_000;
    private static final long RETAINED = 100;

    private LogCompactionProbe() {
    }

    /** Reads com.sun.management.OperatingSystemMXBean reflectively: this module does not read jdk.management. */
    private static long processCpuNs() throws ReflectiveOperationException {
        final Method method = Class.forName("com.sun.management.OperatingSystemMXBean")
            .getMethod("getProcessCpuTime");
        return (long)method.invoke(ManagementFactory.getOperatingSystemMXBean());
    }

    public static void main(String[] args) throws Exception {
        final Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("skiff-compaction-probe");
        final Durability durability = args.length > 1 ? Durability.valueOf(args[1]) : Durability.FSYNC;
        final int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 6;
        final XodusStorageOptions options = XodusStorageOptions.builder().durability(durability).build();
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        System.out.println("durability " + durability + ", " + ENTRY_BYTES + "-byte entries, " + BATCH
            + " per sync, compaction every " + INTERVAL + " entries keeping " + RETAINED + ", directory " + dir);
        final double[] wallMs = new double[rounds];
        final double[] cpuMs = new double[rounds];
        try (XodusStorage storage = XodusStorage.open(dir, TestStorage.NODE, options)) {
            final LogStore log = storage.log();
            final ByteBuffer entry = ByteBuffer.allocateDirect(ENTRY_BYTES);
            long index = log.lastIndex();
            for (int round = 0; round < rounds; round++) {
                final long appendStart = System.nanoTime();
                for (long i = 0; i < INTERVAL; i++) {
                    log.append(++index, 1, entry);
                    if (index % BATCH == 0) {
                        log.sync();
                    }
                }
                log.sync();
                final double appendSeconds = (System.nanoTime() - appendStart) / 1e9;
                final long allocatedBefore = LogAppendProbe.allocated();
                final long cpuBefore = threads.getCurrentThreadCpuTime();
                final long start = System.nanoTime();
                log.compactUpTo(index - RETAINED, 1);
                log.sync();
                wallMs[round] = (System.nanoTime() - start) / 1e6;
                cpuMs[round] = (threads.getCurrentThreadCpuTime() - cpuBefore) / 1e6;
                final long allocated = LogAppendProbe.allocated() - allocatedBefore;
                System.out.printf("round %d: appended %,d entries at %,.0f/s; compacted to %,d: %.1f ms wall, %.1f ms "
                        + "CPU, %,d B allocated%n", round + 1, INTERVAL, INTERVAL / appendSeconds, index - RETAINED,
                    wallMs[round], cpuMs[round], allocated);
            }
        }
        Directories.delete(dir);
        System.out.printf("process CPU for the whole run, Xodus's background threads included: %.1f s%n",
            processCpuNs() / 1e9);
        Arrays.sort(wallMs);
        Arrays.sort(cpuMs);
        System.out.printf("median of %d compactions: %.1f ms wall, %.1f ms CPU%n", rounds, wallMs[rounds / 2],
            cpuMs[rounds / 2]);
    }
}
