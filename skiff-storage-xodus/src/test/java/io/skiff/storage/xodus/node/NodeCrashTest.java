package io.skiff.storage.xodus.node;

import io.skiff.NodeAddress;
import io.skiff.storage.xodus.XodusStorageOptions;
import io.skiff.storage.xodus.store.ChildJvm;
import io.skiff.storage.xodus.store.XodusStorage;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Real crashes: a child JVM runs a cluster on Xodus and writes through it ({@link NodeWriterMain}); the test kills
 * it with SIGKILL at a random point, while it writes, takes snapshots and compacts (every 300 entries), or while it
 * is still starting, and starts it again on the same directories, many times. Every write the node acknowledged
 * must be there after each restart, with its value; the node must start, its leader having applied its whole log;
 * and at the end the log of every node must read back contiguously from its first to its last index.
 *
 * <p>The kill points come from a seed printed on standard output (in the Surefire report) and named in every
 * failure. The timing of a kill is the machine's, so a seed replays the choices, not the exact interleaving.
 */
class NodeCrashTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}, {1} node(s), {2} kills")
    @CsvSource({"kv-storage, 3, 6", "kv-storage, 1, 4", "kv, 1, 4"})
    void everyAcknowledgedWriteSurvivesSigkillAtRandomPoints(String stateMachine, int nodes, int kills) {
        final long seed = Long.getLong("skiff.crashSeed", System.nanoTime());
        System.out.println("NodeCrashTest " + stateMachine + " x" + nodes + ": seed " + seed
            + " (replay the choices with -Dskiff.crashSeed=" + seed + ")");
        final Random random = new Random(seed);
        final Map<String, String> acknowledged = new HashMap<>();
        for (int kill = 0; kill <= kills; kill++) {
            final String what = "seed " + seed + ", run " + kill;
            try (ChildJvm child = ChildJvm.start(NodeWriterMain.class, dir.toString(), stateMachine,
                String.valueOf(nodes), "run" + kill)) {
                if (kill < kills && random.nextInt(6) == 0) {
                    // Kill it while the JVM starts or the nodes open and recover their storage.
                    LockSupport.parkNanos(random.nextInt(1_000) * 1_000_000L);
                    child.kill();
                    continue;
                }
                final String started = expect(child, "STARTED ", what);
                final String[] indexes = started.split(" ");
                final long first = Long.parseLong(indexes[1]);
                final long last = Long.parseLong(indexes[2]);
                final long applied = Long.parseLong(indexes[3]);
                assertThat(applied).as("%s: the leader applied its whole log, %s", what, started).isEqualTo(last);
                assertThat(first).as("%s: the log's first index", what).isBetween(1L, last + 1);
                checkEntries(child, acknowledged, what);
                if (kill == kills) {
                    break;
                }
                final int acks = random.nextInt(600);
                for (int i = 0; i < acks; i++) {
                    final String line = expect(child, "ACK ", what);
                    final String key = line.substring("ACK ".length());
                    acknowledged.put(key, NodeWriterMain.value(key));
                }
                child.kill();
            }
        }
        for (String address : nodes == 1 ? List.of("/mem/solo") : NodeWriterMain.THREE) {
            checkLog(dir.resolve(address.substring(1).replace('/', '_')), address, seed);
        }
    }

    /** Reads the child's lines up to one starting with {@code prefix}; fails on anything but ACK lines before it. */
    private static String expect(ChildJvm child, String prefix, String what) {
        while (true) {
            final String line = child.nextLine();
            if (line.startsWith(prefix)) {
                return line;
            }
            if (line.startsWith("FAILED")) {
                fail(what + ": the child failed: " + line);
            }
        }
    }

    private static void checkEntries(ChildJvm child, Map<String, String> acknowledged, String what) {
        final Map<String, String> held = new HashMap<>();
        while (true) {
            final String line = child.nextLine();
            if (line.startsWith("ENTRIES ")) {
                assertThat(held).hasSize(Integer.parseInt(line.substring("ENTRIES ".length())));
                break;
            }
            if (!line.startsWith("ENTRY ")) {
                fail(what + ": expected ENTRY or ENTRIES lines, got " + line);
            }
            final String[] entry = line.split(" ", 3);
            held.put(entry[1], entry[2]);
        }
        for (Map.Entry<String, String> write : acknowledged.entrySet()) {
            assertThat(held.get(write.getKey())).as("%s: acknowledged key %s (of %d acknowledged, %d held)", what,
                write.getKey(), acknowledged.size(), held.size()).isEqualTo(write.getValue());
        }
        for (Map.Entry<String, String> entry : held.entrySet()) {
            assertThat(entry.getValue()).as("%s: value of %s", what, entry.getKey())
                .isEqualTo(NodeWriterMain.value(entry.getKey()));
        }
    }

    /** Opens a node's storage after the last kill and reads its whole log: every index once, in order. */
    private static void checkLog(Path directory, String address, long seed) {
        assertThat(Files.isDirectory(directory)).isTrue();
        try (XodusStorage storage = XodusStorage.open(directory, NodeAddress.parse(address),
            XodusStorageOptions.defaults())) {
            final long first = storage.log().firstIndex();
            final long last = storage.log().lastIndex();
            if (last < first) {
                return;
            }
            final long[] next = {first};
            while (next[0] <= last) {
                storage.log().read(next[0], last, 1 << 20, (index, term, entry) -> {
                    assertThat(index).as("seed %d: log of %s", seed, address).isEqualTo(next[0]);
                    next[0]++;
                });
            }
            assertThat(storage.state().load().term()).isPositive();
        }
    }
}
