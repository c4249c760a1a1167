package io.skiff.transport.aeron.internal;

import io.skiff.spi.FrameHandler;
import io.skiff.spi.SendResult;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Measures two transports in one JVM, each driven by its own thread as a node's loop would be, with the default
 * options (embedded SHARED driver, backing off) and a backing-off loop: one-way throughput of 100-byte frames and
 * ping-pong round trips, back to back and paced, and the CPU an idle driver takes. Not a unit test: timings depend
 * on the machine. Run with the test class path, e.g.
 * {@code java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED [-DloopMaxParkNs=100000] -cp ...
 * io.skiff.transport.aeron.internal.AeronTransportBenchmark [runs]}; {@code loopMaxParkNs} sets the loops'
 * longest park (Agrona's default is 1 ms).
 */
public final class AeronTransportBenchmark {
    private static final int FRAME_LENGTH = 100;
    private static final long THROUGHPUT_WARMUP_NS = TimeUnit.SECONDS.toNanos(2);
    private static final long THROUGHPUT_MEASURE_NS = TimeUnit.SECONDS.toNanos(5);
    private static final int PING_WARMUP = 20_000;
    private static final int PINGS = 50_000;
    private static final int PACED_WARMUP = 500;
    private static final int PACED_PINGS = 3_000;
    private static final long PACED_GAP_NS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final int POLL_LIMIT = 256;
    private static final long IDLE_MEASURE_MS = 5_000;
    private static final long LOOP_MAX_PARK_NS =
        Long.getLong("loopMaxParkNs", BackoffIdleStrategy.DEFAULT_MAX_PARK_PERIOD_NS);

    private AeronTransportBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        final int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        final double[] rates = new double[runs];
        final double[] p50s = new double[runs];
        final double[] p99s = new double[runs];
        final double[] pacedP50s = new double[runs];
        final double[] pacedP99s = new double[runs];
        for (int run = 0; run < runs; run++) {
            rates[run] = throughput(run);
            final long[] rtts = pingPong(PING_WARMUP, PINGS, 0);
            p50s[run] = percentileUs(rtts, 0.50);
            p99s[run] = percentileUs(rtts, 0.99);
            System.out.printf("run %d: back-to-back RTT p50 %.1f us, p99 %.1f us, max %.1f us%n",
                run + 1, p50s[run], p99s[run], rtts[rtts.length - 1] / 1000.0);
            final long[] paced = pingPong(PACED_WARMUP, PACED_PINGS, PACED_GAP_NS);
            pacedP50s[run] = percentileUs(paced, 0.50);
            pacedP99s[run] = percentileUs(paced, 0.99);
            System.out.printf("run %d: paced (1 ms apart) RTT p50 %.1f us, p99 %.1f us, max %.1f us%n",
                run + 1, pacedP50s[run], pacedP99s[run], paced[paced.length - 1] / 1000.0);
        }
        System.out.printf("idle embedded driver with two connected transports: %.2f%% of one core%n", idleDriverCpu());
        System.out.printf("median of %d: one-way %.0f frames/s (%d B); back-to-back RTT p50 %.1f us, p99 %.1f us; "
                + "paced RTT p50 %.1f us, p99 %.1f us%n", runs, median(rates), FRAME_LENGTH, median(p50s),
            median(p99s), median(pacedP50s), median(pacedP99s));
    }

    /** CPU the process uses while two connected transports sit idle and unpolled: the driver's idle cost. */
    private static double idleDriverCpu() throws InterruptedException {
        final AeronTransport a = Loopback.openOnFreePort(new RecordingListener());
        final AeronTransport b = Loopback.openOnFreePort(new RecordingListener());
        try {
            connect(a, b);
            final long cpuStartNs = processCpuNs();
            final long startNs = System.nanoTime();
            Thread.sleep(IDLE_MEASURE_MS);
            return 100.0 * (processCpuNs() - cpuStartNs) / (System.nanoTime() - startNs);
        } finally {
            a.close();
            b.close();
        }
    }

    private static long processCpuNs() {
        return ProcessHandle.current().info().totalCpuDuration().orElseThrow().toNanos();
    }

    /** The loops' idle strategy: Agrona's default backoff, with the longest park settable to see what it costs. */
    private static IdleStrategy loopIdle() {
        return new BackoffIdleStrategy(BackoffIdleStrategy.DEFAULT_MAX_SPINS, BackoffIdleStrategy.DEFAULT_MAX_YIELDS,
            BackoffIdleStrategy.DEFAULT_MIN_PARK_PERIOD_NS, LOOP_MAX_PARK_NS);
    }

    private static double percentileUs(long[] sorted, double fraction) {
        return sorted[(int)(sorted.length * fraction)] / 1000.0;
    }

    private static double throughput(int run) throws InterruptedException {
        final AeronTransport sender = Loopback.openOnFreePort(new RecordingListener());
        final AeronTransport receiver = Loopback.openOnFreePort(new RecordingListener());
        try {
            connect(sender, receiver);
            final AtomicBoolean running = new AtomicBoolean(true);
            final AtomicLong received = new AtomicLong();
            final Thread receiverLoop = new Thread(() -> {
                final IdleStrategy idle = loopIdle();
                final long[] count = new long[1];
                final FrameHandler handler = frame -> count[0]++;
                while (running.get()) {
                    idle.idle(receiver.poll(handler, POLL_LIMIT));
                    received.lazySet(count[0]);
                }
            }, "receiver");
            receiverLoop.start();

            final ByteBuffer frame = ByteBuffer.allocateDirect(FRAME_LENGTH);
            final IdleStrategy idle = loopIdle();
            final FrameHandler ignore = f -> { };
            final long startNs = System.nanoTime();
            long measureStartNs = 0;
            long receivedAtStart = 0;
            long allocatedAtStart = 0;
            long sentAtStart = 0;
            long nowNs = startNs;
            while (nowNs - startNs < THROUGHPUT_WARMUP_NS + THROUGHPUT_MEASURE_NS) {
                // One burst per duty cycle, as a node sends what it has and polls again.
                int sent = 0;
                for (int i = 0; i < 64 && sender.send(receiver.localAddress(), frame) == SendResult.SENT; i++) {
                    sent++;
                }
                sender.poll(ignore, POLL_LIMIT);
                idle.idle(sent);
                nowNs = System.nanoTime();
                if (0 == measureStartNs && nowNs - startNs >= THROUGHPUT_WARMUP_NS) {
                    measureStartNs = nowNs;
                    receivedAtStart = received.get();
                    sentAtStart = sender.counters().framesSent();
                    allocatedAtStart = allocatedBytes();
                }
            }
            final double seconds = (nowNs - measureStartNs) / 1e9;
            final long frames = received.get() - receivedAtStart;
            final long sentFrames = sender.counters().framesSent() - sentAtStart;
            final long allocated = allocatedBytes() - allocatedAtStart;
            running.set(false);
            receiverLoop.join();
            final double rate = frames / seconds;
            System.out.printf("run %d: one-way %.0f frames/s received, %.0f sent/s, back-pressured %d, sender "
                    + "allocated %.3f B/frame%n", run + 1, rate, sentFrames / seconds,
                sender.counters().backPressured(), (double)allocated / Math.max(1, sentFrames));
            return rate;
        } finally {
            sender.close();
            receiver.close();
        }
    }

    /**
     * Round trips of one frame at a time. Back to back ({@code gapNs} 0) every thread stays hot and its backing off
     * rarely gets past spinning; with a gap the threads park between pings, as under light load, and each hop pays
     * for a wake-up.
     */
    private static long[] pingPong(int warmup, int pings, long gapNs) throws InterruptedException {
        final AeronTransport pinger = Loopback.openOnFreePort(new RecordingListener());
        final AeronTransport ponger = Loopback.openOnFreePort(new RecordingListener());
        try {
            connect(pinger, ponger);
            final AtomicBoolean running = new AtomicBoolean(true);
            final ByteBuffer pong = ByteBuffer.allocateDirect(FRAME_LENGTH);
            final Thread pongLoop = new Thread(() -> {
                final IdleStrategy idle = loopIdle();
                final FrameHandler echo = frame -> {
                    pong.clear();
                    pong.putLong(0, frame.getLong(frame.position()));
                    while (ponger.send(pinger.localAddress(), pong) != SendResult.SENT) {
                        Thread.onSpinWait();
                    }
                };
                while (running.get()) {
                    idle.idle(ponger.poll(echo, POLL_LIMIT));
                }
            }, "ponger");
            pongLoop.start();

            final ByteBuffer ping = ByteBuffer.allocateDirect(FRAME_LENGTH);
            final long[] echoed = new long[1];
            final FrameHandler onPong = frame -> echoed[0] = frame.getLong(frame.position());
            final IdleStrategy idle = loopIdle();
            final long[] rtts = new long[pings];
            long allocatedAtStart = 0;
            for (int i = 0; i < warmup + pings; i++) {
                if (i == warmup) {
                    allocatedAtStart = allocatedBytes();
                }
                if (gapNs > 0) {
                    LockSupport.parkNanos(gapNs);
                }
                final long sentNs = System.nanoTime();
                ping.putLong(0, sentNs);
                while (pinger.send(ponger.localAddress(), ping) != SendResult.SENT) {
                    idle.idle(pinger.poll(onPong, POLL_LIMIT));
                }
                idle.reset();
                while (echoed[0] != sentNs) {
                    idle.idle(pinger.poll(onPong, POLL_LIMIT));
                }
                idle.reset();
                if (i >= warmup) {
                    rtts[i - warmup] = System.nanoTime() - sentNs;
                }
            }
            final long allocated = allocatedBytes() - allocatedAtStart;
            running.set(false);
            pongLoop.join();
            System.out.printf("  pinger allocated %.3f B per round trip (send + polls)%n", (double)allocated / pings);
            Arrays.sort(rtts);
            return rtts;
        } finally {
            pinger.close();
            ponger.close();
        }
    }

    private static void connect(AeronTransport a, AeronTransport b) {
        a.connect(b.localAddress());
        b.connect(a.localAddress());
        Loopback.pollUntil(() -> a.isConnected(b.localAddress()) && b.isConnected(a.localAddress()),
            "both connected", a, b);
    }

    /**
     * Bytes allocated so far by the calling thread. Read through reflection because the module under test does not
     * read {@code java.management} (reflection adds the read edge itself).
     */
    private static long allocatedBytes() {
        try {
            final Object bean = Class.forName("java.lang.management.ManagementFactory")
                .getMethod("getThreadMXBean").invoke(null);
            final Method method = Class.forName("com.sun.management.ThreadMXBean")
                .getMethod("getCurrentThreadAllocatedBytes");
            return (long)method.invoke(bean);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read the thread's allocated bytes", e);
        }
    }

    private static double median(double[] values) {
        final double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
