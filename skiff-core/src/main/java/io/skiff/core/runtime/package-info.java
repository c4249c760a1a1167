/**
 * The node runtime around the deterministic core: a duty-cycle {@link org.agrona.concurrent.Agent} that polls the
 * transport, drains client operations, steps the core, persists, sends and applies, and an event thread that
 * completes futures and runs listeners off the Raft loop.
 */
package io.skiff.core.runtime;
