package io.skiff;

import java.util.Map;

/**
 * A point-in-time view of one node's counters and log positions, as the original's {@code stats()}.
 *
 * @param address          the node.
 * @param state            its role.
 * @param term             its current term.
 * @param leader           the leader it knows of, or {@code null}.
 * @param firstIndex       first index held in its log (earlier entries are compacted).
 * @param lastIndex        last index in its log.
 * @param commitIndex      highest index it knows to be committed.
 * @param appliedIndex     highest index applied to its state machine.
 * @param messagesSent     frames sent.
 * @param messagesReceived frames received.
 * @param rpcsSent         requests and responses sent, by message type (e.g. {@code AppendEntries}).
 * @param rpcsReceived     requests and responses received, by message type.
 * @param counters         every other counter by name (dropped frames, elections, proposals, ...).
 */
public record NodeStats(NodeAddress address, NodeState state, long term, NodeAddress leader, long firstIndex,
    long lastIndex, long commitIndex, long appliedIndex, long messagesSent, long messagesReceived,
    Map<String, Long> rpcsSent, Map<String, Long> rpcsReceived, Map<String, Long> counters) {

    /**
     * One counter by name.
     *
     * @param name the counter's name.
     * @return its value, or 0 when it does not exist.
     */
    public long counter(String name) {
        return counters.getOrDefault(name, 0L);
    }
}
