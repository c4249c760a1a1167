package io.skiff;

/**
 * Storage failed to read or write, or found data it cannot trust (a checksum or format mismatch).
 *
 * <p>A node whose storage fails stops accepting writes rather than acknowledge what it could not persist.
 */
public final class StorageException extends SkiffException {
    private static final long serialVersionUID = 1L;

    public StorageException(String message) {
        super(message);
    }

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
