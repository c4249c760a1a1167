package io.skiff.storage.xodus.store;

import io.skiff.StorageException;
import jetbrains.exodus.env.Environment;
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
 * <p>After a failed write or commit the storage accepts no more operations: its in-memory state may no longer match
 * the disk, and a node must not acknowledge what it could not persist.
 *
 * <p>Not thread-safe: the node's loop is the only caller, as the SPI requires. An exclusive Xodus transaction also
 * blocks Xodus's background cleaner, so it is never held longer than one batch.
 */
final class GroupCommit {
    private final Environment env;
    private final Path directory;
    private final List<TransactionParticipant> participants = new ArrayList<>(2);
    private Transaction txn;
    private StorageException failure;
    private boolean closed;
    private long commits;

    GroupCommit(Environment env, Path directory) {
        this.env = env;
        this.directory = directory;
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

    /** @return the open write transaction, begun if none is open. */
    Transaction write() {
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

    /**
     * Commits the open write transaction, if any: one Xodus commit, and one fsync in {@code FSYNC} mode.
     *
     * @throws StorageException when Xodus fails or refuses; the storage then accepts no more operations.
     */
    void commit() {
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
            } else if (committing.commit()) {
                commits++;
            } else {
                throw new IllegalStateException("Xodus refused to commit the exclusive transaction");
            }
        } catch (RuntimeException e) {
            throw fail("cannot commit to the Xodus environment", e);
        }
        txn = null;
        for (TransactionParticipant participant : participants) {
            participant.afterCommit();
        }
    }

    /** Discards the open write transaction, if any, and what was written in it. */
    void abort() {
        if (null == txn) {
            return;
        }
        final Transaction aborting = txn;
        txn = null;
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
