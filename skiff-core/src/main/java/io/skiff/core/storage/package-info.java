/**
 * In-memory storage ({@code memory}): the log, vote state and snapshots of each node held on the heap, with
 * crash simulation that loses exactly what was not made durable. Used by tests, simulations and nodes that rely
 * on replication alone for durability.
 */
package io.skiff.core.storage;
