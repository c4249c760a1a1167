package io.skiff.benchmarks.profile;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Summarizes the CPU samples ({@code jdk.ExecutionSample}) and allocation samples
 * ({@code jdk.ObjectAllocationSample}) of a JFR recording: samples by thread, the hottest methods by self time
 * (the top frame) and by total time (anywhere on the stack), and where allocation happens. This is what
 * {@code jfr print --events jdk.ExecutionSample} shows, counted.
 *
 * <p>Run as {@code java -jar benchmarks.jar jfr-summary RECORDING.jfr [ROWS]}.
 */
public final class JfrSummary {
    private static final String CPU = "jdk.ExecutionSample";
    private static final String ALLOCATION = "jdk.ObjectAllocationSample";

    private final Map<String, Long> cpuByThread = new HashMap<>();
    private final Map<String, Long> selfByMethod = new HashMap<>();
    private final Map<String, Long> totalByMethod = new HashMap<>();
    private final Map<String, Long> allocationBySite = new HashMap<>();
    private final Map<String, Long> allocationByThread = new HashMap<>();
    private long cpuSamples;
    private long allocatedBytes;

    private JfrSummary() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: jfr-summary RECORDING.jfr [ROWS]");
            System.exit(1);
        }
        final int rows = args.length > 1 ? Integer.parseInt(args[1]) : 25;
        summarize(Path.of(args[0]), rows, System.out);
    }

    /**
     * Reads a recording and prints its summary.
     *
     * @param rows how many rows each table shows.
     * @throws IOException when the recording cannot be read.
     */
    public static void summarize(Path recording, int rows, PrintStream out) throws IOException {
        final JfrSummary summary = new JfrSummary();
        for (RecordedEvent event : RecordingFile.readAllEvents(recording)) {
            summary.add(event);
        }
        summary.print(rows, out);
    }

    private void add(RecordedEvent event) {
        final String type = event.getEventType().getName();
        if (type.equals(CPU)) {
            cpuSamples++;
            cpuByThread.merge(threadName(event.getThread("sampledThread")), 1L, Long::sum);
            final RecordedStackTrace stack = event.getStackTrace();
            if (null == stack || stack.getFrames().isEmpty()) {
                return;
            }
            final List<RecordedFrame> frames = stack.getFrames();
            selfByMethod.merge(name(frames.get(0)), 1L, Long::sum);
            final Set<String> seen = new HashSet<>();
            for (RecordedFrame frame : frames) {
                final String method = name(frame);
                if (seen.add(method)) {
                    totalByMethod.merge(method, 1L, Long::sum);
                }
            }
        } else if (type.equals(ALLOCATION)) {
            final long weight = event.getLong("weight");
            allocatedBytes += weight;
            allocationByThread.merge(threadName(event.getThread("eventThread")), weight, Long::sum);
            final RecordedStackTrace stack = event.getStackTrace();
            final String objectClass = event.getClass("objectClass").getName();
            final String site = null == stack || stack.getFrames().isEmpty() ? "?" : firstOwnFrame(stack);
            allocationBySite.merge(objectClass + " at " + site, weight, Long::sum);
        }
    }

    /** The first frame outside the JDK, where the code that asked for the allocation is. */
    private static String firstOwnFrame(RecordedStackTrace stack) {
        for (RecordedFrame frame : stack.getFrames()) {
            final String method = name(frame);
            if (!method.startsWith("java.") && !method.startsWith("jdk.") && !method.startsWith("sun.")) {
                return method + ":" + frame.getLineNumber();
            }
        }
        return name(stack.getFrames().get(0));
    }

    private static String name(RecordedFrame frame) {
        final RecordedMethod method = frame.getMethod();
        return method.getType().getName() + "." + method.getName();
    }

    private static String threadName(RecordedThread thread) {
        return null == thread ? "?" : thread.getJavaName();
    }

    private void print(int rows, PrintStream out) {
        out.printf(Locale.ROOT, "%,d CPU samples (%s)%n", cpuSamples, CPU);
        table(out, "CPU samples by thread", cpuByThread, cpuSamples, rows, false);
        table(out, "hottest methods, self (top frame)", selfByMethod, cpuSamples, rows, false);
        table(out, "hottest methods, total (anywhere on the stack)", totalByMethod, cpuSamples, rows, false);
        if (allocatedBytes > 0) {
            out.printf(Locale.ROOT, "%n%,d MiB allocated, estimated from %s%n", allocatedBytes >> 20, ALLOCATION);
            table(out, "allocation by thread", allocationByThread, allocatedBytes, rows, true);
            table(out, "allocation by class and first non-JDK frame", allocationBySite, allocatedBytes, rows, true);
        }
    }

    private static void table(PrintStream out, String title, Map<String, Long> counts, long total, int rows,
        boolean bytes) {
        out.printf(Locale.ROOT, "%n%s%n", title);
        counts.entrySet().stream()
            .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
            .limit(rows)
            .forEach(e -> out.printf(Locale.ROOT, "  %6.2f%%  %,12d%s  %s%n", 100.0 * e.getValue() / total,
                bytes ? e.getValue() >> 10 : e.getValue(), bytes ? " KiB" : "", e.getKey()));
    }
}
