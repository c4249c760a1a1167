/**
 * Tools for testing Skiff clusters inside one JVM in real time: the {@link io.skiff.testkit.InMemoryNetwork} that
 * nodes with {@code /mem/NAME} addresses share, with partitions, isolation, one-way blocks and link faults (loss,
 * duplication, latency, reordering, loss by message type, in-flight limits), and the
 * {@link io.skiff.testkit.LocalCluster} built on it, whose nodes can also crash, restart and pause.
 */
package io.skiff.testkit;
