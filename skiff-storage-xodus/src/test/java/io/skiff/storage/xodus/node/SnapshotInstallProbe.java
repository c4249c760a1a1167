package io.skiff.storage.xodus.node;

import io.skiff.SkiffNode;
import io.skiff.storage.xodus.store.Directories;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;

/**
 * Throughput probe, not a test: how fast a fresh follower receives and installs a large snapshot on Xodus storage
 * ({@code FSYNC}). Two nodes of three take {@code megabytes} MiB of 1 KiB values (in {@value #KEY_BYTES}-byte keys)
 * with one snapshot near the end that compacts their logs; then the third, which never ran, starts and must be sent
 * the snapshot. The rate is the bytes the follower received (its {@code bytesReceived} counter: the snapshot's
 * records in InstallSnapshot frames, and a few heartbeats) over the time from the first InstallSnapshot it receives
 * to its {@code snapshotsInstalled} counter, both sampled every millisecond: the transfer, the follower's staging
 * writes and commits, and its restore of the state machine. The time of the last change of {@code bytesReceived}
 * before the install splits it into receiving (and staging) and restoring. Each setting is measured {@value #RUNS}
 * times, each on a new cluster (a follower that lost its data cannot simply rejoin: the leader still holds its old
 * match index); the median run is reported.
 *
 * <p>Run after {@code mvn verify} with the module's test class path and a heap that holds three copies of the data
 * in {@code kv} mode, e.g.
 * {@code java -Xmx4g -cp <test-classes:classes:dependencies> io.skiff.storage.xodus.node.SnapshotInstallProbe
 * <dir> kv 150 10/262144 1000/1048576}: directory, state machine, MiB, then chunk settings as
 * {@code records/bytes}.
 */
public final class SnapshotInstallProbe {
    private static final int KEY_BYTES = 14;
    private static final int VALUE_BYTES = 1024;
    private static final int WINDOW = 256;
    private static final int RUNS = 3;
    /** Inboxes of 16 MiB carry frames of 2 MiB, room for 1 MiB chunks. */
    private static final int INBOX_BYTES = 16 * 1024 * 1024;

    private SnapshotInstallProbe() {
    }

    public static void main(String[] args) throws Exception {
        final Path base = Path.of(args[0]);
        final String stateMachine = args[1];
        final int megabytes = Integer.parseInt(args[2]);
        final int entries = megabytes * 1024;
        System.out.printf("%s, %,d entries of %d + %d bytes, FSYNC%n", stateMachine, entries, KEY_BYTES,
            VALUE_BYTES);
        for (int i = 3; i < args.length; i++) {
            final String[] chunk = args[i].split("/");
            final int records = Integer.parseInt(chunk[0]);
            final int bytes = Integer.parseInt(chunk[1]);
            final double[][] runs = new double[RUNS][];
            for (int run = 0; run < RUNS; run++) {
                runs[run] = measure(base.resolve("chunks-" + records + "-" + bytes + "-" + run), stateMachine, entries,
                    records, bytes);
            }
            Arrays.sort(runs, Comparator.comparingDouble(run -> run[0]));
            final double[] median = runs[RUNS / 2];
            final StringBuilder all = new StringBuilder();
            for (double[] run : runs) {
                all.append(all.length() == 0 ? "" : " / ").append(String.format("%.1f", mib(run) / run[0]));
            }
            System.out.printf("chunks of %,d records / %,d bytes: %.1f MiB installed in %.2f s, %.1f MiB/s "
                    + "(received in %.2f s, restored in %.2f s; runs %s MiB/s)%n", records, bytes, mib(median),
                median[0], mib(median) / median[0], median[2], median[0] - median[2], all);
        }
    }

    /** A new cluster in {@code location}: load it, time the install on its third node, delete it. */
    private static double[] measure(Path location, String stateMachine, int entries, int records, int bytes)
        throws java.io.IOException {
        Files.createDirectories(location);
        final double[] result;
        try (XodusCluster cluster = new XodusCluster(XodusCluster.THREE, location, stateMachine, options -> options
            .installSnapshotChunkSize(records).installSnapshotChunkBytes(bytes)
            .snapshotInterval(entries - 1000).maxPendingOperations(4 * WINDOW)
            .rpcTimeout(Duration.ofSeconds(5)).clientMaxRetries(1000), INBOX_BYTES)) {
            load(cluster, entries);
            result = install(cluster);
        }
        Directories.delete(location);
        return result;
    }

    private static double mib(double[] run) {
        return run[1] / 1048576.0;
    }

    private static void load(XodusCluster cluster, int entries) {
        cluster.start("/mem/a");
        cluster.start("/mem/b");
        final SkiffNode leader = cluster.awaitLeader();
        final byte[] value = new byte[VALUE_BYTES];
        final List<CompletableFuture<Void>> inFlight = new ArrayList<>(WINDOW);
        final long loadStart = System.nanoTime();
        for (int n = 0; n < entries; n++) {
            value[n % VALUE_BYTES] = (byte)n;
            inFlight.add(leader.levelup().put(String.format("key-%010d", n).getBytes(), value.clone()));
            if (inFlight.size() == WINDOW) {
                CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).join();
                inFlight.clear();
            }
        }
        CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).join();
        Await.until("a snapshot that compacted the leader's log", () -> leader.stats().firstIndex() > 1);
        System.out.printf("  loaded %,d entries in %.1f s; leader's log starts at %,d%n", entries,
            (System.nanoTime() - loadStart) / 1e9, leader.stats().firstIndex());
    }

    /**
     * Starts the follower at {@code /mem/c}, which never ran, and times its install.
     *
     * @return seconds from the first chunk to the install, bytes received meanwhile, and seconds from the first chunk
     *         to the last change of the bytes received.
     */
    private static double[] install(XodusCluster cluster) {
        final SkiffNode leader = cluster.awaitLeader();
        final SkiffNode follower = cluster.start("/mem/c");
        long firstChunkNs = 0;
        long bytesBefore = 0;
        long bytesSeen = 0;
        long lastBytesNs = 0;
        final long startNs = System.nanoTime();
        while (true) {
            final var stats = follower.stats();
            if (stats.counter("snapshotsInstalled") > 0) {
                break;
            }
            final long now = System.nanoTime();
            if (now - startNs > 60_000_000_000L) {
                throw new IllegalStateException("no install after 60 s; follower " + stats + "; leader "
                    + leader.stats());
            }
            if (0 == firstChunkNs && stats.rpcsReceived().getOrDefault("InstallSnapshot", 0L) > 0) {
                firstChunkNs = now;
                bytesBefore = stats.counter("bytesReceived");
            }
            if (stats.counter("bytesReceived") != bytesSeen) {
                bytesSeen = stats.counter("bytesReceived");
                lastBytesNs = now;
            }
            LockSupport.parkNanos(1_000_000);
        }
        final long installedNs = System.nanoTime();
        final long bytes = follower.stats().counter("bytesReceived") - bytesBefore;
        cluster.awaitConverged(leader);
        if (0 == firstChunkNs) {
            throw new IllegalStateException("the follower installed a snapshot before one was seen arriving");
        }
        return new double[] {(installedNs - firstChunkNs) / 1e9, bytes, (lastBytesNs - firstChunkNs) / 1e9};
    }
}
