package io.skiff.storage.xodus.store;

import io.skiff.NodeAddress;
import io.skiff.StorageException;
import io.skiff.spi.KvStore;
import io.skiff.spi.LogStore;
import io.skiff.spi.SnapshotStore;
import io.skiff.spi.StateStore;
import io.skiff.spi.Storage;
import io.skiff.storage.xodus.Durability;
import io.skiff.storage.xodus.XodusStorageOptions;
import jetbrains.exodus.env.Environment;
import jetbrains.exodus.env.EnvironmentConfig;
import jetbrains.exodus.env.Environments;
import jetbrains.exodus.env.Transaction;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One node's storage: a Xodus environment in the node's directory holding the stores {@code skiff.meta} (format
 * marker, log bounds, term and vote, snapshot pointers, the key-value store's applied index), the log's segments
 * {@code skiff.log.<n>} ({@link LogSegments}), one {@code skiff.snapshot.<id>} per snapshot and
 * {@code skiff.kv.<generation>} for the {@link XodusKvStore key-value store}, all written through one
 * {@link GroupCommit}.
 *
 * <p>Opening verifies everything that can be verified cheaply enough to do always: after a clean close, that the
 * data files are exactly as they were closed ({@link CleanClose}); then the format marker, every log record, the
 * saved state and the latest snapshot's extent. After a crash Xodus drops the torn tail on open (a transaction
 * whose commit did not complete: never acknowledged, so losing it is safe); whatever survives that and still does
 * not check is damage to committed data, and the open fails naming it instead of serving it. Two small files sit
 * beside Xodus's own: {@value CleanClose#FILE} and {@value CreationMarker#FILE}.
 *
 * <p>Not thread-safe: the node's loop is the only caller, as the SPI says. A snapshot reader is the exception; it
 * reads in its own transaction and may be handed to another thread.
 */
public final class XodusStorage implements Storage {
    /** The lock file Xodus keeps in the directory while an environment is open. */
    static final String LOCK_FILE = "xd.lck";
    private static final String LOCK_REFUSED = "Can't acquire environment lock";
    private static final String LOCK_OWNER = "Lock owner info:";

    private final Path directory;
    private final Environment env;
    private final GroupCommit group;
    private final XodusLogStore log;
    private final XodusStateStore state;
    private final XodusSnapshotStore snapshots;
    private final XodusKvStore kv;
    private boolean closed;

    private XodusStorage(Path directory, Environment env, GroupCommit group, XodusLogStore log,
        XodusStateStore state, XodusSnapshotStore snapshots, XodusKvStore kv) {
        this.directory = directory;
        this.env = env;
        this.group = group;
        this.log = log;
        this.state = state;
        this.snapshots = snapshots;
        this.kv = kv;
    }

    /**
     * Opens (creating when missing) the storage in a directory.
     *
     * @param directory the node's own directory; created with its parents when missing.
     * @param address   the node, named to a second opener in this JVM.
     * @param options   Xodus options.
     * @return the verified storage.
     * @throws StorageException when the directory cannot be created, is in use by this or another process, or holds
     *                          data that is foreign, of an unknown format version, or corrupt.
     */
    public static XodusStorage open(Path directory, NodeAddress address, XodusStorageOptions options) {
        return open(directory, address, options, LogSegments.DEFAULT_SHIFT);
    }

    /**
     * Opens the storage with log segments of {@code 2^logSegmentShift} entries, for tests that cross segment
     * boundaries within a few entries; a log must be opened with the segment size it was written with.
     */
    static XodusStorage open(Path directory, NodeAddress address, XodusStorageOptions options, int logSegmentShift) {
        final Path dir;
        try {
            dir = Files.createDirectories(directory).toRealPath();
        } catch (IOException e) {
            throw new StorageException("cannot create the storage directory " + directory + ": " + e, e);
        }
        final String owner = "the storage of node " + address + " (pid " + ProcessHandle.current().pid() + ")";
        OpenDirectories.acquire(dir, owner);
        final Environment env;
        try {
            CleanClose.verify(dir);
            env = Environments.newInstance(dir.toFile(), config(options));
        } catch (RuntimeException e) {
            OpenDirectories.release(dir);
            throw e instanceof StorageException ? (StorageException)e : openFailure(dir, e);
        }
        final GroupCommit group = new GroupCommit(env, dir);
        try {
            CleanClose.forget(dir);
            final boolean created = CreationMarker.exists(dir);
            final Transaction txn = group.write();
            final MetaStore meta = MetaStore.open(env, txn, dir, created);
            final XodusLogStore log = XodusLogStore.open(group, meta, txn, logSegmentShift);
            final XodusStateStore state = XodusStateStore.open(group, meta, txn);
            final XodusSnapshotStore snapshots = XodusSnapshotStore.open(group, meta, txn);
            final XodusKvStore kv = XodusKvStore.open(group, meta, txn);
            group.commit();
            if (!created) {
                CreationMarker.write(dir);
            }
            return new XodusStorage(dir, env, group, log, state, snapshots, kv);
        } catch (RuntimeException e) {
            try {
                group.abort();
                env.close();
                OpenDirectories.release(dir);
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e instanceof StorageException ? (StorageException)e
                : new StorageException("cannot open the storage in " + dir + ", its Xodus data does not read back: "
                    + e, e);
        }
    }

    @Override
    public LogStore log() {
        return log;
    }

    @Override
    public StateStore state() {
        return state;
    }

    @Override
    public SnapshotStore snapshots() {
        return snapshots;
    }

    /**
     * The key-value store for the {@code kv-storage} state machine; see {@link XodusKvStore}. Its commits are atomic
     * with their applied index but not forced to the device on their own.
     *
     * @return the store, always present.
     */
    @Override
    public Optional<KvStore> kvStore() {
        return Optional.of(kv);
    }

    /** @return the directory, as a real path. */
    public Path directory() {
        return directory;
    }

    /** @return Xodus transactions committed since open; N appends and one sync count one. */
    public long transactionsCommitted() {
        return group.commits();
    }

    /** @return of {@link #transactionsCommitted()}, those committed without an fsync in {@code FSYNC} mode. */
    public long transactionsCommittedUnforced() {
        return group.unforcedCommits();
    }

    /**
     * Discards what was written after the last sync, ends open snapshot readers and the staged snapshot, closes the
     * environment, releases its lock and records the {@link CleanClose clean close}. Idempotent.
     *
     * @throws StorageException when Xodus fails to close (the directory then stays locked by this process) or the
     *                          clean close cannot be recorded (the next open then recovers as after a crash).
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        group.close();
        try {
            snapshots.close();
            group.abort();
            env.close();
        } catch (RuntimeException e) {
            throw new StorageException("cannot close the Xodus environment " + directory + ": " + e, e);
        }
        try {
            CleanClose.write(directory);
        } finally {
            OpenDirectories.release(directory);
        }
    }

    @Override
    public String toString() {
        return "XodusStorage{" + directory + "}";
    }

    Environment environment() {
        return env;
    }

    GroupCommit groupCommit() {
        return group;
    }

    private static EnvironmentConfig config(XodusStorageOptions options) {
        // Xodus 2.0.1's file writer ignores setLogLockId: its lock file always names the JVM as pid@host, which the
        // message of a refused opener in another process shows.
        final EnvironmentConfig config = new EnvironmentConfig()
            .setLogDurableWrite(options.durability() == Durability.FSYNC)
            .setLogFileSize(options.fileSizeBytes() / 1024)
            .setLogClearInvalid(false)
            .setManagementEnabled(false);
        if (options.cacheBytes() > 0) {
            config.setLogCacheShared(false).setMemoryUsage(options.cacheBytes());
        }
        return config;
    }

    private static StorageException openFailure(Path dir, RuntimeException e) {
        final String message = String.valueOf(e.getMessage());
        if (message.startsWith(LOCK_REFUSED)) {
            final int at = message.indexOf(LOCK_OWNER);
            final String holder = at < 0 ? "unknown" : firstLine(message.substring(at + LOCK_OWNER.length()));
            return new StorageException("the storage directory " + dir + " is already in use by another process "
                + "(Xodus lock " + dir.resolve(LOCK_FILE) + " is held; " + holder + ")", e);
        }
        return new StorageException("cannot open the Xodus environment in " + dir + ": " + e, e);
    }

    private static String firstLine(String text) {
        for (String line : text.split("\n")) {
            if (!line.isBlank()) {
                return line.trim();
            }
        }
        return "unknown";
    }
}
