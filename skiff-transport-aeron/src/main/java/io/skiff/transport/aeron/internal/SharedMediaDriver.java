package io.skiff.transport.aeron.internal;

import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.skiff.SkiffException;
import io.skiff.spi.TransportListener;
import io.skiff.transport.aeron.AeronIdleStrategy;
import io.skiff.transport.aeron.AeronTransportOptions;
import org.agrona.CloseHelper;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SleepingIdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An embedded media driver shared by the transports of one process, counted by reference: the first transport to
 * acquire it starts it, the last to release it stops it, and stopping deletes its directory.
 *
 * <p>Drivers are keyed by the configured directory; transports without one share a driver in a fresh directory
 * named after the process id and a random suffix, so that two processes (or two test runs) never meet in one.
 * The settings suit small machines: one driver thread for conductor, sender and receiver (SHARED), an idle
 * strategy that backs off by default, sparse term files and a 1 MiB counters buffer. What senders on the network can
 * make the driver allocate is bounded by {@link GuardedReceiveChannelEndpoint} and {@link #STREAM_SESSION_LIMIT}.
 */
final class SharedMediaDriver {
    /** Counters values buffer: 1 MiB is ample for a handful of nodes and keeps the CnC file small. */
    static final int COUNTERS_BUFFER_LENGTH = 1024 * 1024;
    /**
     * Images (sessions) one endpoint's stream may have at once, whoever sends: with
     * {@link GuardedReceiveChannelEndpoint}'s bound per source address, it bounds what senders with many (spoofed)
     * addresses can make the driver allocate: three counters and one log per image.
     */
    static final int STREAM_SESSION_LIMIT = 256;
    /** A flood of bad datagrams can make the driver report thousands of errors a second: warn at most this often. */
    static final long WARNING_INTERVAL_NS = TimeUnit.SECONDS.toNanos(1);

    private static final Map<Path, SharedMediaDriver> RUNNING = new HashMap<>();
    private static final String PREFIX = "skiff-aeron-";

    private final Path key;
    private final Path directory;
    private final CopyOnWriteArrayList<TransportListener> listeners = new CopyOnWriteArrayList<>();
    private final Set<String> claimedEndpoints = new HashSet<>();
    private final AeronTransportOptions options;
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong restarts = new AtomicLong();
    private final AtomicLong setupsRefused = new AtomicLong();
    private MediaDriver driver;
    private volatile Thread driverThread;
    private int references;
    private long lastWarningNs;
    private long errorsWarned;

    private SharedMediaDriver(Path key, Path directory, AeronTransportOptions options) {
        this.key = key;
        this.directory = directory;
        this.options = options;
        // A fresh directory cannot hold anything worth keeping. A configured one might be a running driver's, so
        // Aeron is left to check that none is active there before it deletes the directory.
        this.driver = launch(null == key);
    }

    private MediaDriver launch(boolean deleteOnStart) {
        final long livenessNs = options.livenessTimeout().toNanos();
        final MediaDriver.Context context = new MediaDriver.Context()
            .aeronDirectoryName(directory.toString())
            .threadingMode(ThreadingMode.SHARED)
            .sharedThreadFactory(this::newDriverThread)
            .sharedIdleStrategy(idleStrategy(options.idleStrategy()))
            .sharedNetworkIdleStrategy(idleStrategy(options.idleStrategy()))
            .conductorIdleStrategy(idleStrategy(options.idleStrategy()))
            .senderIdleStrategy(idleStrategy(options.idleStrategy()))
            .receiverIdleStrategy(idleStrategy(options.idleStrategy()))
            .dirDeleteOnStart(deleteOnStart)
            .dirDeleteOnShutdown(true)
            .warnIfDirectoryExists(false)
            .termBufferSparseFile(true)
            .counterValuesBufferLength(COUNTERS_BUFFER_LENGTH)
            .publicationTermBufferLength(options.termLength())
            // Skiff opens no IPC publication; a small default keeps a stray one from mapping Aeron's 64 MiB.
            .ipcTermBufferLength(options.termLength())
            .mtuLength(options.mtu())
            .publicationLingerTimeoutNs(options.publicationLinger().toNanos())
            // Aeron's defaults keep this ratio (10 s and 15 s), and it refuses an unblock timeout below the liveness.
            .clientLivenessTimeoutNs(livenessNs)
            .publicationUnblockTimeoutNs(livenessNs + livenessNs / 2)
            .driverTimeoutMs(options.livenessTimeout().toMillis())
            .receiveChannelEndpointSupplier((channel, dispatcher, status, driverContext) ->
                new GuardedReceiveChannelEndpoint(channel, dispatcher, status, driverContext, options.termLength(),
                    setupsRefused))
            .streamSessionLimit(STREAM_SESSION_LIMIT)
            .errorHandler(this::onError);
        try {
            return MediaDriver.launch(context);
        } catch (RuntimeException e) {
            // Closing deletes the directory when dirDeleteOnShutdown is set: never a configured one that a running
            // driver may own (Aeron refuses to start there before it creates anything).
            context.dirDeleteOnShutdown(deleteOnStart).close();
            throw new SkiffException("cannot start the embedded Aeron media driver in " + directory + ": " + e, e);
        }
    }

    private Thread newDriverThread(Runnable runner) {
        final Thread thread = new Thread(runner);
        driverThread = thread;
        return thread;
    }

    /**
     * Takes a reference to the process's embedded driver for these options, starting it when none runs.
     *
     * @param options  the transport's options; the first transport's idle strategy is the driver's.
     * @param listener told of the driver's errors while the reference is held.
     * @return the driver.
     * @throws SkiffException when the driver cannot start.
     */
    static SharedMediaDriver acquire(AeronTransportOptions options, TransportListener listener) {
        final Path key = options.driverDirectory().orElse(null);
        synchronized (RUNNING) {
            SharedMediaDriver shared = RUNNING.get(key);
            if (null == shared) {
                shared = new SharedMediaDriver(key, null == key ? freshDirectory() : key, options);
                RUNNING.put(key, shared);
            }
            shared.references++;
            shared.listeners.add(listener);
            return shared;
        }
    }

    /**
     * Gives back a reference; the last one stops the driver, which deletes its directory.
     *
     * @param listener the listener passed to {@link #acquire}.
     */
    void release(TransportListener listener) {
        synchronized (RUNNING) {
            listeners.remove(listener);
            if (--references == 0) {
                RUNNING.remove(key);
                driver.close();
            }
        }
    }

    /**
     * Claims an endpoint to listen on. One driver would let two subscriptions share an endpoint and split its
     * traffic, so two nodes of this process must be stopped here; across processes the socket bind fails instead.
     *
     * @param endpoint the {@code HOST:PORT} endpoint.
     * @return {@code false} when another transport on this driver listens on it.
     */
    boolean claimEndpoint(String endpoint) {
        synchronized (RUNNING) {
            return claimedEndpoints.add(endpoint);
        }
    }

    /** @param endpoint an endpoint claimed with {@link #claimEndpoint}, to give back. */
    void releaseEndpoint(String endpoint) {
        synchronized (RUNNING) {
            claimedEndpoints.remove(endpoint);
        }
    }

    /**
     * Starts a new driver in the same directory when this one's thread has stopped (its agent was terminated), so
     * that the transports that lost their client with it can connect again. Called by a transport that lost its
     * client; a driver that runs is left alone.
     *
     * @param listener told that the driver is restarted.
     * @throws SkiffException when the new driver cannot start.
     */
    void restartIfStopped(TransportListener listener) {
        synchronized (RUNNING) {
            final Thread thread = driverThread;
            if (null == thread || thread.isAlive()) {
                return;
            }
            listener.onWarning("the embedded Aeron media driver in " + directory + " stopped; starting a new one",
                null);
            CloseHelper.quietClose(driver);
            // Our own driver is known to be gone, so its directory holds nothing worth keeping.
            driver = launch(true);
            restarts.incrementAndGet();
        }
    }

    /** @return the errors the driver reported since it started (each also counted in its error log). */
    long errors() {
        return errors.get();
    }

    /** @return SETUP frames refused by {@link GuardedReceiveChannelEndpoint}: invalid, or over a bound. */
    long setupsRefused() {
        return setupsRefused.get();
    }

    /** @return how many times the driver was restarted after its thread stopped. */
    long restarts() {
        return restarts.get();
    }

    /** @return the running driver, for white-box tests. */
    MediaDriver mediaDriver() {
        synchronized (RUNNING) {
            return driver;
        }
    }

    /** @return the driver's directory, for the clients of this process to connect to. */
    Path directory() {
        return directory;
    }

    /** @return the number of embedded drivers running in this process. */
    static int runningCount() {
        synchronized (RUNNING) {
            return RUNNING.size();
        }
    }

    /**
     * Maps an idle strategy name to a new instance; instances keep state, so each agent gets its own.
     *
     * @param strategy the configured strategy.
     * @return a new idle strategy.
     */
    static IdleStrategy idleStrategy(AeronIdleStrategy strategy) {
        switch (strategy) {
            case SLEEP:
                return new SleepingIdleStrategy(TimeUnit.MILLISECONDS.toNanos(1));
            case YIELD:
                return new YieldingIdleStrategy();
            case BUSY_SPIN:
                return new BusySpinIdleStrategy();
            default:
                return new BackoffIdleStrategy();
        }
    }

    private synchronized void onError(Throwable error) {
        final long total = errors.incrementAndGet();
        final long nowNs = System.nanoTime();
        if (total > 1 && nowNs - lastWarningNs < WARNING_INTERVAL_NS) {
            return;
        }
        final long unreported = total - 1 - errorsWarned;
        lastWarningNs = nowNs;
        errorsWarned = total;
        final String message = "embedded Aeron media driver in " + directory + ": " + error
            + (unreported > 0 ? " (" + unreported + " more errors since the last warning, counted in driverErrors)" : "");
        for (TransportListener listener : listeners) {
            listener.onWarning(message, error);
        }
    }

    private static Path freshDirectory() {
        // /dev/shm keeps the mapped logs in memory; on a disk the kernel would write them back and compete with
        // the Raft log's fsyncs.
        final Path shm = Path.of("/dev/shm");
        final Path base = Files.isDirectory(shm) && Files.isWritable(shm)
            ? shm : Path.of(System.getProperty("java.io.tmpdir"));
        removeDirectoriesOfDeadProcesses(base);
        return base.resolve(PREFIX + ProcessHandle.current().pid() + "-"
            + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1));
    }

    /**
     * A process killed with SIGKILL cannot delete its driver directory, and in /dev/shm the directory holds memory:
     * remove those whose process is gone. The pid is in the name; a directory of a live process is left alone.
     */
    static void removeDirectoriesOfDeadProcesses(Path base) {
        try (java.util.stream.Stream<Path> entries = Files.list(base)) {
            entries.filter(p -> p.getFileName().toString().startsWith(PREFIX)).forEach(directory -> {
                final String rest = directory.getFileName().toString().substring(PREFIX.length());
                final int dash = rest.indexOf('-');
                if (dash <= 0) {
                    return;
                }
                try {
                    final long pid = Long.parseLong(rest.substring(0, dash));
                    if (ProcessHandle.of(pid).isEmpty()) {
                        org.agrona.IoUtil.delete(directory.toFile(), true);
                    }
                } catch (NumberFormatException e) {
                    // Not one of ours.
                }
            });
        } catch (java.io.IOException e) {
            // Best effort: a directory that cannot be listed only keeps its leftovers.
        }
    }
}
