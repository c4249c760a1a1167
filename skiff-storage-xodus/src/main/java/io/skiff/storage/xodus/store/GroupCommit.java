package io.skiff.storage.xodus.store;

import io.skiff.StorageException;
import jetbrains.exodus.env.Environment;
import jetbrains.exodus.env.EnvironmentConfig;
import jetbrains.exodus.env.Transaction;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The one open Xodus write transaction that every write of a node joins until the next commit.
 *
 * <p>Appends, truncations, compactions and staged snapshot records go into a single exclusive transaction, begun
 * lazily by the first write; {@link #commit()} commits it, so N appends and one sync cost one Xodus transaction and,
 * in {@code FSYNC} mode, one fsync. Reads made while it is open go through it, so they see what is written but not
 * yet synced. A commit that changed nothing is aborted instead, costing no fsync.
 *
 * <p>Writes that need no fsync (the key-value store's, which the log can replay) join with {@link #writeUnforced()}
 * and end with {@link #commitUnforced()}: in {@code FSYNC} mode that commit skips the fsync unless an ordinary
 * {@link #write()} joined the same transaction, whose commit must still be forced. Xodus 2.0.1 has no per-transaction
 * durability, only the run-time setting {@code durableWrite}; an unforced commit clears it, flushes the transaction
 * and sets it again <em>before</em> ending the transaction, so that no other writer (Xodus's cleaner waits for the
 * exclusive transaction) ever commits while it is clear. The fsync of any later forced commit covers the unforced
 * ones before it: Xodus appends every commit to the same log.
 *
 * <p>After a failed write or commit the storage accepts no more operations: its in-memory state may no longer match
 * the disk, and a node must not acknowledge what it could not persist.
 *
 * <p>Not thread-safe: the node's loop is the only caller, as the SPI requires. An exclusive Xodus transaction also
 * blocks Xodus's background cleaner, so it is never held longer than one batch.
 */
final class GroupCommit {
    private final Environment env;
    private final Path directory;
    private final boolean forcing;
    private final List<TransactionParticipant> participants = new ArrayList<>(2);
    private Transaction txn;
    private boolean forceNeeded;
    private StorageException failure;
    private boolean closed;
    private long commits;
    private long unforcedCommits;

    GroupCommit(Environment env, Path directory) {
        this.env = env;
        this.directory = directory;
        this.forcing = env.getEnvironmentConfig().getLogDurableWrite();
    }

    Environment environment() {
        return env;
    }

    Path directory() {
        return directory;
    }

    void register(TransactionParticipant participant) {
        participants.add(participant);
    }

    /** @return the open write transaction, begun if none is open; its commit will be forced to the device. */
    Transaction write() {
        final Transaction joined = writeUnforced();
        forceNeeded = true;
        return joined;
    }

    /**
     * @return the open write transaction, begun if none is open, for writes that {@link #commitUnforced()} may commit
     *         without an fsync.
     */
    Transaction writeUnforced() {
        checkUsable();
        if (null == txn) {
            try {
                txn = env.beginExclusiveTransaction();
            } catch (RuntimeException e) {
                throw fail("cannot begin a write transaction", e);
            }
        }
        return txn;
    }

    /** @return the open write transaction, or a new read-only one to be passed to {@link #release}. */
    Transaction read() {
        checkUsable();
        if (null != txn) {
            return txn;
        }
        try {
            return env.beginReadonlyTransaction();
        } catch (RuntimeException e) {
            throw new StorageException("cannot begin a read transaction in the Xodus environment " + directory
                + ": " + e, e);
        }
    }

    /** Ends a transaction from {@link #read()} unless it is the shared write transaction. */
    void release(Transaction read) {
        if (read != txn && !read.isFinished()) {
            read.abort();
        }
    }

    /** @return whether writes wait for {@link #commit()}. */
    boolean pending() {
        return null != txn;
    }

    /** @return transactions committed since open (those that changed something). */
    long commits() {
        return commits;
    }

    /** @return of {@link #commits()}, those committed without the fsync that {@code FSYNC} mode otherwise forces. */
    long unforcedCommits() {
        return unforcedCommits;
    }

    /**
     * Commits the open write transaction, if any: one Xodus commit, and one fsync in {@code FSYNC} mode.
     *
     * @throws StorageException when Xodus fails or refuses; the storage then accepts no more operations.
     */
    void commit() {
        commit(true);
    }

    /**
     * Commits the open write transaction, if any, without an fsync unless a {@link #write()} joined it. The commit is
     * atomic all the same; a crash of the machine (not of the process) may lose it until a later forced commit.
     *
     * @throws StorageException when Xodus fails or refuses; the storage then accepts no more operations.
     */
    void commitUnforced() {
        commit(forceNeeded);
    }

    private void commit(boolean force) {
        checkUsable();
        if (null == txn) {
            return;
        }
        final Transaction committing = txn;
        try {
            for (TransactionParticipant participant : participants) {
                participant.beforeCommit(committing);
            }
            if (committing.isIdempotent()) {
                committing.abort();
            } else if (force || !forcing ? committing.commit() : commitWithoutFsync(committing)) {
                commits++;
            } else {
                throw new IllegalStateException("Xodus refused to commit the exclusive transaction");
            }
        } catch (RuntimeException e) {
            throw fail("cannot commit to the Xodus environment", e);
        }
        txn = null;
        forceNeeded = false;
        for (TransactionParticipant participant : participants) {
            participant.afterCommit();
        }
    }

    private boolean commitWithoutFsync(Transaction committing) {
        final EnvironmentConfig config = env.getEnvironmentConfig();
        config.setLogDurableWrite(false);
        final boolean flushed;
        try {
            flushed = committing.flush();
        } finally {
            config.setLogDurableWrite(true);
        }
        if (flushed) {
            committing.abort();
            unforcedCommits++;
        }
        return flushed;
    }

    /** Discards the open write transaction, if any, and what was written in it. */
    void abort() {
        if (null == txn) {
            return;
        }
        final Transaction aborting = txn;
        txn = null;
        forceNeeded = false;
        try {
            aborting.abort();
        } finally {
            for (TransactionParticipant participant : participants) {
                participant.afterAbort();
            }
        }
    }

    /**
     * Marks the storage failed after a write went wrong, discarding the open transaction.
     *
     * @return the exception to throw.
     */
    StorageException fail(String what, RuntimeException cause) {
        if (null == failure) {
            try {
                abort();
            } catch (RuntimeException suppressed) {
                cause.addSuppressed(suppressed);
            }
            failure = cause instanceof StorageException ? (StorageException)cause
                : new StorageException(what + " in " + directory + ": " + cause, cause);
        }
        return failure;
    }

    /** Marks the storage closed; later calls fail. */
    void close() {
        closed = true;
    }

    /** @throws StorageException when the storage is closed or failed earlier. */
    void checkUsable() {
        if (closed) {
            throw new StorageException("the Xodus storage in " + directory + " is closed");
        }
        if (null != failure) {
            throw new StorageException("the Xodus storage in " + directory + " failed earlier and accepts no more "
                + "operations: " + failure.getMessage(), failure);
        }
    }
}
