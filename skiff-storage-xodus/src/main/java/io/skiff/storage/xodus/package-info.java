/**
 * The {@code xodus} storage provider and its options: a node's log, term, vote, snapshots and (for the
 * {@code kv-storage} state machine) key-value data kept durably in a JetBrains Xodus environment, with group commit and
 * a checksum on every record.
 */
package io.skiff.storage.xodus;
