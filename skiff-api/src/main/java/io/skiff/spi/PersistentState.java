package io.skiff.spi;

import io.skiff.NodeAddress;

import java.util.List;
import java.util.Objects;

/**
 * What a node must remember across restarts besides its log and snapshots.
 *
 * @param clusterId the cluster this data belongs to, or {@code null} for a new node.
 * @param term      the current term.
 * @param votedFor  whom the node voted for in {@code term}, or {@code null}.
 * @param members   the initial membership the node was first started with (later changes live in the log and
 *                  snapshots); empty for a new node.
 */
public record PersistentState(String clusterId, long term, NodeAddress votedFor, List<NodeAddress> members) {
    /** The state of a node that has never saved anything. */
    public static final PersistentState EMPTY = new PersistentState(null, 0, null, List.of());

    public PersistentState {
        if (term < 0) {
            throw new IllegalArgumentException("term must not be negative, got " + term);
        }
        members = List.copyOf(Objects.requireNonNull(members, "members"));
    }
}
