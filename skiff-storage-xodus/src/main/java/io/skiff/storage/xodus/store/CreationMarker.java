package io.skiff.storage.xodus.store;

import io.skiff.StorageException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A file, beside the Xodus files, that says this directory was initialised: its first commit (the format marker)
 * is durable. If Xodus ever comes back with an empty environment in such a directory, its data was lost (see
 * {@link CleanClose} for how Xodus's recovery can discard it) and the open is refused rather than the node started
 * as new, which could make it forget a vote.
 */
final class CreationMarker {
    static final String FILE = "skiff-created";

    private CreationMarker() {
    }

    static boolean exists(Path dir) {
        return Files.exists(dir.resolve(FILE));
    }

    /** Writes the marker durably; called once the first commit is durable. */
    static void write(Path dir) {
        final Path file = dir.resolve(FILE);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
            channel.write(ByteBuffer.wrap(("skiff-storage-xodus format " + MetaStore.FORMAT_VERSION + "\n")
                .getBytes(StandardCharsets.US_ASCII)));
            channel.force(true);
            CleanClose.syncDirectory(dir);
        } catch (IOException e) {
            throw new StorageException("cannot write " + file + ": " + e, e);
        }
    }
}
