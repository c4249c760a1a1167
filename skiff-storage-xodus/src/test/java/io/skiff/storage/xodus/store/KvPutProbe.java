package io.skiff.storage.xodus.store;

import io.skiff.spi.KvStore;
import io.skiff.spi.LogStore;
import io.skiff.storage.xodus.XodusStorageOptions;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Throughput probe, not a test: puts per second into the Xodus {@link KvStore} (random 16-byte keys, 100-byte values,
 * {@code FSYNC} mode) with a commit every 1, 64 and 1024 puts, median of 3 runs of about 3 s on a fresh directory
 * each, after a discarded warm-up run, in two shapes:
 * the store alone (its commits skip the fsync), and a node's duty cycle (the batch appended to the log and synced,
 * then put and committed with its applied index), which is the ceiling of the {@code kv-storage} state machine on
 * one node.
 *
 * <p>Run after {@code mvn verify} with the module's test class path:
 * {@code java -cp <test-classes:classes:dependencies> io.skiff.storage.xodus.store.KvPutProbe [dir]}.
 */
public final class KvPutProbe {
    private static final int KEY_BYTES = 16;
    private static final int VALUE_BYTES = 100;
    private static final int RUNS = 3;
    private static final long TARGET_NS = 3_000_000_000L;

    private KvPutProbe() {
    }

    public static void main(String[] args) throws Exception {
        final Path base = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("skiff-kv-probe");
        System.out.println("FSYNC, " + KEY_BYTES + "-byte random keys, " + VALUE_BYTES + "-byte values, median of "
            + RUNS + " runs, directory " + base);
        run(base.resolve("warm-up"), 64, true);
        for (boolean withLog : new boolean[] {false, true}) {
            for (int batch : new int[] {1, 64, 1024}) {
                final double[] rates = new double[RUNS];
                for (int run = 0; run < RUNS; run++) {
                    rates[run] = run(base.resolve("batch-" + batch + "-run-" + run), batch, withLog);
                }
                Arrays.sort(rates);
                System.out.printf("%s, commit every %4d puts: %,9.0f puts/s (runs %,.0f / %,.0f / %,.0f)%n",
                    withLog ? "log sync + kv commit" : "kv commit alone     ", batch, rates[RUNS / 2], rates[0],
                    rates[1], rates[2]);
            }
        }
    }

    /** @return puts per second over batches run for about {@link #TARGET_NS}. */
    private static double run(Path dir, int batch, boolean withLog) {
        final SplittableRandom random = new SplittableRandom(dir.hashCode());
        final byte[] value = new byte[VALUE_BYTES];
        final ByteBuffer entry = ByteBuffer.allocate(KEY_BYTES + VALUE_BYTES);
        final long elapsedNs;
        long done = 0;
        try (XodusStorage storage = XodusStorage.open(dir, TestStorage.NODE, XodusStorageOptions.defaults())) {
            final KvStore kv = storage.kvStore().orElseThrow();
            final LogStore log = storage.log();
            final long start = System.nanoTime();
            while (System.nanoTime() - start < TARGET_NS) {
                if (withLog) {
                    for (int i = 0; i < batch; i++) {
                        log.append(done + i + 1, 1, entry.clear());
                    }
                    log.sync();
                }
                for (int i = 0; i < batch; i++) {
                    final byte[] key = new byte[KEY_BYTES];
                    random.nextBytes(key);
                    kv.put(key, value);
                }
                done += batch;
                kv.commit(done);
            }
            elapsedNs = System.nanoTime() - start;
        }
        Directories.delete(dir);
        return done * 1e9 / elapsedNs;
    }
}
