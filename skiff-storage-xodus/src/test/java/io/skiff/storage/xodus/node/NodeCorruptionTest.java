package io.skiff.storage.xodus.node;

import io.skiff.ReadConsistency;
import io.skiff.SkiffNode;
import io.skiff.StorageException;
import io.skiff.storage.xodus.store.Directories;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Damaged data files under a stopped node: the node refuses to start with a {@link StorageException} that names
 * the file or the log entry, or, for an entry of the key-value store (checked when read, not on start), fails the
 * read naming the key; it never answers with wrong data.
 */
class NodeCorruptionTest {
    private static final String NODE = XodusCluster.ONE.get(0);
    private static final int KEYS = 200;

    @TempDir
    Path dir;
    private XodusCluster cluster;
    private Path data;
    private Path pristine;

    @BeforeEach
    void writeAndStop() {
        cluster = new XodusCluster(XodusCluster.ONE, dir.resolve("nodes"), "kv-storage", options -> options);
        cluster.startAll();
        final SkiffNode node = cluster.awaitLeader();
        for (int i = 0; i < KEYS; i++) {
            Await.result(node.levelup().put(key(i), value(i)));
        }
        cluster.stop(node);
        data = cluster.directory(NODE);
        pristine = dir.resolve("pristine");
        Directories.copy(data, pristine);
    }

    @AfterEach
    void stopCluster() {
        cluster.close();
    }

    private static String key(int i) {
        return String.format("key-%04d", i);
    }

    private static String value(int i) {
        return String.format("value-%04d-of-the-corruption-test", i);
    }

    private Throwable startFailure() {
        final SkiffNode node = cluster.replace(NODE);
        return Await.failure(node.start());
    }

    @Test
    void aFlippedByteAnywhereInTheDataAfterACleanStopIsRefusedAtStartNamingTheFile() {
        final Path file = Directories.lastDataFile(data);
        final long size = Directories.size(file);
        final Random random = new Random(17);
        for (int attempt = 0; attempt < 8; attempt++) {
            final long offset = attempt == 0 ? 0 : attempt == 1 ? size - 1 : random.nextLong(size);
            Directories.copy(pristine, data);
            Directories.flipByte(file, offset);

            assertThat(startFailure()).as("start with byte %d of %d flipped", offset, size)
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("the data file " + file.getFileName() + " changed since the clean close");
        }
        Directories.copy(pristine, data);
        cluster.replace(NODE);
        final SkiffNode node = cluster.start(NODE);
        cluster.awaitLeader();
        assertThat(XodusCluster.localEntries(node)).hasSize(KEYS);
    }

    @Test
    void aDamagedLogEntryAfterACrashIsRefusedAtStartNamingTheEntry() throws IOException {
        Files.delete(data.resolve("skiff-clean-close"));
        final byte[] value = value(123).getBytes(StandardCharsets.UTF_8);
        final List<Long> inLog = occurrences(value, true);
        assertThat(inLog).as("the put of key 123 in the log").hasSize(1);
        Directories.flipByte(Directories.lastDataFile(data), inLog.get(0) + 8);

        assertThat(startFailure()).isInstanceOf(StorageException.class)
            .hasMessageContaining("corrupt log entry ").hasMessageContaining("in store 'skiff.log.0'")
            .hasMessageContaining("checksum mismatch");
    }

    @Test
    void aDamagedKeyValueEntryAfterACrashFailsTheReadsThatMeetItNamingTheKey() throws IOException {
        Files.delete(data.resolve("skiff-clean-close"));
        final byte[] value = value(77).getBytes(StandardCharsets.UTF_8);
        final List<Long> stored = occurrences(value, false);
        assertThat(stored).as("the value of key 77 in the key-value store").hasSize(1);
        Directories.flipByte(Directories.lastDataFile(data), stored.get(0) + 8);

        cluster.replace(NODE);
        final SkiffNode node = cluster.start(NODE);
        cluster.awaitLeader();
        assertThat(Await.result(node.levelup().get(key(76), ReadConsistency.LOCAL))).contains(value(76));
        assertThat(Await.failure(node.levelup().get(key(77), ReadConsistency.LOCAL)))
            .hasMessageContaining("corrupt key-value entry").hasMessageContaining("checksum mismatch")
            .hasMessageContaining("key 0x" + java.util.HexFormat.of().formatHex(key(77).getBytes(
                StandardCharsets.US_ASCII)));
        assertThat(Await.failure(node.levelup().range())).hasMessageContaining("corrupt key-value entry");
        assertThat(Await.result(node.levelup().get(key(78)))).contains(value(78));
    }

    /**
     * @param value  bytes to look for in the last data file.
     * @param logged whether to keep the occurrences inside a logged command, where the value follows its length as a
     *               32-bit big-endian int, or the others (the key-value store's record, where it follows a checksum).
     * @return their offsets.
     */
    private List<Long> occurrences(byte[] value, boolean logged) {
        final byte[] file;
        try {
            file = Files.readAllBytes(Directories.lastDataFile(data));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        final List<Long> found = new ArrayList<>();
        for (int at = 4; at + value.length <= file.length; at++) {
            if (ByteBuffer.wrap(file, at, value.length).equals(ByteBuffer.wrap(value))) {
                final boolean afterLength = ByteBuffer.wrap(file, at - 4, 4).getInt() == value.length;
                if (afterLength == logged) {
                    found.add((long)at);
                }
            }
        }
        return found;
    }
}
