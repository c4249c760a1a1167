/**
 * The deterministic Raft core: no threads, clocks, I/O or randomness of its own. {@link io.skiff.core.raft.RaftCore}
 * takes inputs (frames, ticks carrying the time, proposals, read requests, persistence completions) and produces
 * frames in an {@link io.skiff.core.raft.Outbox} plus callbacks to a {@link io.skiff.core.raft.RaftListener}; the
 * runtime around it does the I/O. Section references (§) are to Ongaro's dissertation.
 */
package io.skiff.core.raft;
