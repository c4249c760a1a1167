package io.skiff.storage.xodus.store;

import io.skiff.StorageException;

import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Directories open in this JVM, checked before Xodus touches a directory.
 *
 * <p>Xodus locks a directory with a {@code FileChannel} lock on {@code xd.lck}, which on Linux is a POSIX record lock
 * held by the process. A second open from the same JVM fails to take it, but closing its own descriptor of the lock
 * file then releases the lock of the first environment too (POSIX drops all of a process's locks on a file when
 * any descriptor of it closes): another process could then open the directory alongside the first and corrupt it.
 * So a second open in the same JVM is refused here, without touching the lock file.
 */
final class OpenDirectories {
    private static final ConcurrentMap<Path, String> OPEN = new ConcurrentHashMap<>();

    private OpenDirectories() {
    }

    /**
     * @param directory the real path of the directory.
     * @param owner     who opens it, for the message another opener gets.
     * @throws StorageException when it is already open in this JVM.
     */
    static void acquire(Path directory, String owner) {
        final String holder = OPEN.putIfAbsent(directory, owner);
        if (null != holder) {
            throw new StorageException("the storage directory " + directory + " is already in use by " + holder
                + " in this process; close that storage first (a second Xodus open in one process would release "
                + "the first one's lock on " + directory.resolve(XodusStorage.LOCK_FILE) + ")");
        }
    }

    static void release(Path directory) {
        OPEN.remove(directory);
    }
}
