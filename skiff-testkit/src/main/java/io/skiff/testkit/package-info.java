/**
 * Tools for testing Skiff clusters inside one JVM: the {@link io.skiff.testkit.InMemoryNetwork} that nodes with
 * {@code /mem/NAME} addresses share, with partitions, isolation and one-way blocks.
 */
package io.skiff.testkit;
