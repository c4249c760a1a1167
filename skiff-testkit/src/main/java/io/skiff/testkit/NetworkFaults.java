package io.skiff.testkit;

import io.skiff.NodeAddress;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The cuts in force on an {@link InMemoryNetwork}: a partition into groups, isolated addresses and one-way blocked
 * links. Immutable, so senders on any thread read a consistent set through one volatile field while a test
 * changes it by replacing the whole object; asking whether a link is cut allocates nothing.
 */
final class NetworkFaults {
    static final NetworkFaults NONE = new NetworkFaults(null, Set.of(), Map.of());

    /** Group number of each address in the partition, or {@code null} when no partition is in force. */
    private final Map<NodeAddress, Integer> groups;
    private final Set<NodeAddress> isolated;
    /** For each sender, the destinations it cannot reach. */
    private final Map<NodeAddress, Set<NodeAddress>> blocked;

    private NetworkFaults(Map<NodeAddress, Integer> groups, Set<NodeAddress> isolated,
        Map<NodeAddress, Set<NodeAddress>> blocked) {
        this.groups = groups;
        this.isolated = isolated;
        this.blocked = blocked;
    }

    /**
     * @param from the sender.
     * @param to   the destination.
     * @return whether frames from {@code from} to {@code to} are dropped; a node always reaches itself.
     */
    boolean cuts(NodeAddress from, NodeAddress to) {
        if (this == NONE || from.equals(to)) {
            return false;
        }
        if (isolated.contains(from) || isolated.contains(to)) {
            return true;
        }
        if (null != groups) {
            final Integer fromGroup = groups.get(from);
            final Integer toGroup = groups.get(to);
            if (null == fromGroup || null == toGroup || fromGroup.intValue() != toGroup.intValue()) {
                return true;
            }
        }
        final Set<NodeAddress> blockedTo = blocked.get(from);
        return null != blockedTo && blockedTo.contains(to);
    }

    /** @param partition group number of each address; replaces any partition in force. */
    NetworkFaults withPartition(Map<NodeAddress, Integer> partition) {
        return new NetworkFaults(Map.copyOf(partition), isolated, blocked);
    }

    NetworkFaults withIsolated(NodeAddress address) {
        final Set<NodeAddress> more = new HashSet<>(isolated);
        more.add(address);
        return new NetworkFaults(groups, Set.copyOf(more), blocked);
    }

    NetworkFaults withBlocked(NodeAddress from, NodeAddress to) {
        final Map<NodeAddress, Set<NodeAddress>> more = new HashMap<>(blocked);
        final Set<NodeAddress> blockedTo = new HashSet<>(more.getOrDefault(from, Set.of()));
        blockedTo.add(to);
        more.put(from, Set.copyOf(blockedTo));
        return new NetworkFaults(groups, isolated, Map.copyOf(more));
    }

    @Override
    public String toString() {
        return "NetworkFaults{groups=" + groups + ", isolated=" + isolated + ", blocked=" + blocked + "}";
    }
}
