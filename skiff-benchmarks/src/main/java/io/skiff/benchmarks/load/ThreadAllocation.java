package io.skiff.benchmarks.load;

import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.TreeMap;

/**
 * Bytes allocated by the live threads of this JVM, grouped by thread name, read from HotSpot's per-thread
 * allocation counters ({@code com.sun.management.ThreadMXBean}). Taking a snapshot before and after a run and
 * dividing the difference by the operations gives the allocation per operation of each thread: the leader's loop
 * thread alone is the figure PERF.md holds to 64 bytes per committed write.
 */
public final class ThreadAllocation {
    private final Map<String, Long> bytesByThread;

    private ThreadAllocation(Map<String, Long> bytesByThread) {
        this.bytesByThread = bytesByThread;
    }

    /**
     * @return the bytes each live thread has allocated so far, by name (threads of one name are summed).
     * @throws UnsupportedOperationException when the JVM does not measure thread allocation.
     */
    public static ThreadAllocation snapshot() {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        if (!threads.isThreadAllocatedMemorySupported()) {
            throw new UnsupportedOperationException("expected a JVM that measures thread allocation, actual "
                + System.getProperty("java.vm.name") + " does not");
        }
        threads.setThreadAllocatedMemoryEnabled(true);
        final Map<String, Long> bytes = new TreeMap<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            final long allocated = threads.getThreadAllocatedBytes(thread.getId());
            if (allocated >= 0) {
                bytes.merge(thread.getName(), allocated, Long::sum);
            }
        }
        return new ThreadAllocation(bytes);
    }

    /**
     * @return bytes allocated since {@code before} by the threads alive now; a thread started since counts in full.
     */
    public long totalSince(ThreadAllocation before) {
        long total = 0;
        for (Map.Entry<String, Long> entry : bytesByThread.entrySet()) {
            total += entry.getValue() - before.bytesByThread.getOrDefault(entry.getKey(), 0L);
        }
        return total;
    }

    /** @return bytes allocated since {@code before} by the threads of that exact name. */
    public long threadSince(ThreadAllocation before, String name) {
        return bytesByThread.getOrDefault(name, 0L) - before.bytesByThread.getOrDefault(name, 0L);
    }
}
