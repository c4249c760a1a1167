package io.skiff.cli.node;

import io.skiff.cli.CliException;
import io.skiff.cli.ExitCodes;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads frame-authentication keys: one key per line, its UTF-8 bytes, at least 16 of them; blank lines and lines
 * starting with {@code #} are skipped. The first key signs every frame and all of them verify, so keys rotate
 * without downtime in three rolling restarts: {@code old, new}; then {@code new, old}; then {@code new} alone.
 */
final class SecretFile {
    static final int MIN_KEY_BYTES = 16;

    private SecretFile() {
    }

    /**
     * @param file the file.
     * @param err  where a warning about loose permissions goes.
     * @return the keys, the signing one first.
     * @throws CliException (usage) when the file cannot be read or holds no valid key.
     */
    static byte[][] read(Path file, PrintStream err) {
        final List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CliException(ExitCodes.USAGE, "cannot read the secret file " + file + ": " + e);
        }
        final List<byte[]> keys = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            final String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            final byte[] key = line.getBytes(StandardCharsets.UTF_8);
            if (key.length < MIN_KEY_BYTES) {
                throw new CliException(ExitCodes.USAGE, "the key on line " + (i + 1) + " of " + file + " has "
                    + key.length + " bytes: expected at least " + MIN_KEY_BYTES);
            }
            keys.add(key);
        }
        if (keys.isEmpty()) {
            throw new CliException(ExitCodes.USAGE, "the secret file " + file + " holds no key: expected one key "
                + "per line, at least " + MIN_KEY_BYTES + " bytes each");
        }
        warnIfReadableByOthers(file, err);
        return keys.toArray(new byte[0][]);
    }

    private static void warnIfReadableByOthers(Path file, PrintStream err) {
        try {
            final Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            if (permissions.contains(PosixFilePermission.GROUP_READ)
                || permissions.contains(PosixFilePermission.OTHERS_READ)) {
                err.println("skiff: warning: the secret file " + file + " is readable by other users; "
                    + "chmod 600 " + file);
            }
        } catch (UnsupportedOperationException | IOException e) {
            // Not a POSIX file system: nothing to check.
        }
    }
}
