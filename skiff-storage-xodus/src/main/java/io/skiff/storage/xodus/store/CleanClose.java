package io.skiff.storage.xodus.store;

import io.skiff.StorageException;
import jetbrains.exodus.log.LogUtil;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * A record, beside the Xodus files, that the environment was closed cleanly and of exactly what it then held.
 *
 * <p>Why: on open, Xodus 2.0.1 re-reads its last data file and truncates it at the first loggable it cannot parse.
 * After a crash that drops the torn tail, as it should. But the same code treats a damaged byte anywhere in that
 * file (up to {@code fileSizeBytes}, 8 MiB by default) as the end of the log: it silently discards every commit
 * after the damage, possibly all of them, so that the environment looks new. Xodus keeps no checksums of its own
 * to tell the two apart. After a clean close there is no torn tail, so this record (every data file's name and size
 * and a CRC32C of the last one) lets {@link #verify} refuse changed files <em>before</em> Xodus gets the chance to
 * truncate them. Without the record (after a crash) Xodus's recovery runs as before.
 *
 * <p>The record is text, readable by an operator:
 * <pre>
 * skiff-storage-xodus clean close 1
 * file 00000000000.xd 53205
 * last-file-crc32c 1f2e3d4c
 * record-crc32c 5a6b7c8d
 * </pre>
 * It is written atomically (temporary file, fsync, rename, directory fsync) after Xodus has closed, and removed
 * durably on open before anything is written, so it never describes files that have changed since.
 */
final class CleanClose {
    static final String FILE = "skiff-clean-close";
    private static final String HEADER = "skiff-storage-xodus clean close 1";
    private static final String DATA_SUFFIX = ".xd";

    private CleanClose() {
    }

    /**
     * Records the data files of a closed environment.
     *
     * @throws StorageException when the record cannot be written.
     */
    static void write(Path dir) {
        try {
            final List<Path> files = dataFiles(dir);
            final StringBuilder text = new StringBuilder(HEADER).append('\n');
            for (Path file : files) {
                text.append("file ").append(file.getFileName()).append(' ').append(Files.size(file)).append('\n');
            }
            if (!files.isEmpty()) {
                text.append("last-file-crc32c ").append(hex(crc(files.get(files.size() - 1)))).append('\n');
            }
            final String body = text.toString();
            text.append("record-crc32c ").append(hex(crc(body))).append('\n');
            final Path temporary = dir.resolve(FILE + ".tmp");
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.US_ASCII)));
                channel.force(true);
            }
            Files.move(temporary, dir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE);
            syncDirectory(dir);
        } catch (IOException e) {
            throw new StorageException("cannot record the clean close of the storage in " + dir + ": " + e, e);
        }
    }

    /**
     * Checks the data files against the record, if there is one, without changing anything.
     *
     * @throws StorageException naming the file that changed since the clean close and how.
     */
    static void verify(Path dir) {
        final Path record = dir.resolve(FILE);
        final List<String> lines;
        try {
            lines = Files.readAllLines(record, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException e) {
            throw new StorageException("cannot read " + record + ": " + e, e);
        }
        try {
            check(dir, record, lines);
        } catch (IOException e) {
            throw new StorageException("cannot check the data files in " + dir + " against " + record + ": " + e, e);
        }
    }

    /** Removes the record, durably: the environment is about to change. */
    static void forget(Path dir) {
        try {
            if (Files.deleteIfExists(dir.resolve(FILE))) {
                syncDirectory(dir);
            }
        } catch (IOException e) {
            throw new StorageException("cannot remove " + dir.resolve(FILE) + ": " + e, e);
        }
    }

    private static void check(Path dir, Path record, List<String> lines) throws IOException {
        if (lines.size() < 2 || !HEADER.equals(lines.get(0))) {
            throw refuse(dir, record, "the record does not start with '" + HEADER + "'");
        }
        final String recordCrcLine = lines.get(lines.size() - 1);
        final String body = String.join("\n", lines.subList(0, lines.size() - 1)) + "\n";
        if (!recordCrcLine.equals("record-crc32c " + hex(crc(body)))) {
            throw refuse(dir, record, "the record itself is damaged (its checksum line reads '" + recordCrcLine
                + "', expected 'record-crc32c " + hex(crc(body)) + "')");
        }
        final List<Path> files = dataFiles(dir);
        final List<String> expected = new ArrayList<>();
        String lastCrc = null;
        for (String line : lines.subList(1, lines.size() - 1)) {
            if (line.startsWith("file ")) {
                expected.add(line);
            } else if (line.startsWith("last-file-crc32c ")) {
                lastCrc = line.substring("last-file-crc32c ".length());
            }
        }
        final List<String> found = new ArrayList<>();
        for (Path file : files) {
            found.add("file " + file.getFileName() + " " + Files.size(file));
        }
        if (!expected.equals(found)) {
            throw refuse(dir, record, "the data files changed since the clean close: expected " + expected + ", found "
                + found);
        }
        if (!files.isEmpty()) {
            final Path last = files.get(files.size() - 1);
            final String actual = hex(crc(last));
            if (!actual.equals(lastCrc)) {
                throw refuse(dir, record, "the data file " + last.getFileName() + " changed since the clean close "
                    + "(CRC32C expected " + lastCrc + ", found " + actual + ")");
            }
        }
    }

    private static StorageException refuse(Path dir, Path record, String why) {
        return new StorageException("the storage in " + dir + " was closed cleanly but " + why + "; refusing to open "
            + "it, since Xodus's recovery would discard every commit after the damage. Nothing was changed. To "
            + "accept that loss and let Xodus recover as after a crash, delete " + record);
    }

    /** @return the Xodus data files in address order; the last is the one Xodus's recovery re-reads. */
    private static List<Path> dataFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(DATA_SUFFIX)
                    && LogUtil.isLogFileName(f.getFileName().toString()))
                .sorted(Comparator.comparingLong(f -> LogUtil.getAddress(f.getFileName().toString())))
                .toList();
        }
    }

    private static int crc(Path file) throws IOException {
        final CRC32C crc = new CRC32C();
        final ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            while (channel.read(buffer.clear()) > 0) {
                crc.update(buffer.flip());
            }
        }
        return (int)crc.getValue();
    }

    private static int crc(String text) {
        final CRC32C crc = new CRC32C();
        crc.update(text.getBytes(StandardCharsets.US_ASCII));
        return (int)crc.getValue();
    }

    private static String hex(int value) {
        return String.format("%08x", value);
    }

    static void syncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
