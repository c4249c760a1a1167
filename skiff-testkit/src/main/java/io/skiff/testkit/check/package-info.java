/**
 * Checking that what clients of a key-value store saw is linearizable: record a {@link
 * io.skiff.testkit.check.History} of {@link io.skiff.testkit.check.Operation}s and their {@link
 * io.skiff.testkit.check.Outcome}s (ok, fail or unknown), then ask the {@link
 * io.skiff.testkit.check.LinearizabilityChecker} for a {@link io.skiff.testkit.check.Result}. Works with virtual
 * time in simulations and with {@link java.lang.System#nanoTime()} in real-time tests.
 */
package io.skiff.testkit.check;
