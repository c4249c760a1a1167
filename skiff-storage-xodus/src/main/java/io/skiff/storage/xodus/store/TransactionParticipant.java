package io.skiff.storage.xodus.store;

import jetbrains.exodus.env.Transaction;

/** A store that keeps state in memory alongside the shared write transaction and must follow its outcome. */
interface TransactionParticipant {
    /** Writes what the store held back (its bounds, removals of whole stores) into the transaction about to commit. */
    void beforeCommit(Transaction txn);

    /** The transaction is durable (or, in NO_SYNC mode, handed to the operating system). */
    void afterCommit();

    /** The transaction was discarded: return to the last committed state. */
    void afterAbort();
}
