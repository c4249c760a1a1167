package io.skiff.transport.aeron.internal;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.skiff.NodeAddress;

/**
 * The sending side of one peer: its publication, which Aeron creates asynchronously, and the connection state last
 * reported to the listener. Touched only by the node's loop.
 */
final class PeerLink {
    /** No publication requested: it must be requested (again). */
    static final long NO_REGISTRATION = Aeron.NULL_VALUE;

    final NodeAddress peer;
    /** Registration of the publication, requested or created, or {@link #NO_REGISTRATION}. */
    long registrationId = NO_REGISTRATION;
    /** The publication once the driver has created it, else {@code null}. */
    ExclusivePublication publication;
    /** Whether the listener was last told that the peer is connected. */
    boolean reportedConnected;
    /** When a failed request may be tried again, in {@link System#nanoTime()} units. */
    long retryAtNs;
    /** Whether the current streak of failed requests was reported, so that a lasting failure warns once. */
    boolean failureReported;

    PeerLink(NodeAddress peer) {
        this.peer = peer;
    }
}
