/**
 * Deterministic simulation of whole Skiff clusters: the real node runtime and Raft core, driven on one thread in
 * virtual time, over a simulated network and disk that inject faults from a seeded schedule. A run is a pure
 * function of its seed, so a failing seed replays the failure event for event.
 */
package io.skiff.testkit.sim;
