package io.skiff.faults;

import java.util.List;

/**
 * One fault as it happened.
 *
 * @param step          what was planned.
 * @param targets       the nodes it hit (1-based indices).
 * @param hitLeader     whether the leader of the moment was among them.
 * @param startNs       when it began ({@link System#nanoTime()}).
 * @param endNs         when it was healed.
 * @param backMs        how long after it was healed every target followed the leader with everything the leader had
 *                      committed applied (-1: not within a minute).
 * @param served        whether the gateways kept answering well-behaved clients (probed during slow-HTTP attacks).
 * @param detail        what else is worth saying (datagrams sent, connections kept open), or empty.
 */
public record FaultEvent(FaultStep step, List<Integer> targets, boolean hitLeader, long startNs, long endNs,
    long backMs, boolean served, String detail) {
    /** @return whether the fault took the leader out long enough for an election: a failover is expected. */
    public boolean failover() {
        if (!hitLeader) {
            return false;
        }
        switch (step.kind()) {
            case KILL_LEADER:
            case KILL_MINORITY:
            case PAUSE_LEADER:
            case PAUSE_MINORITY:
            case PAUSE_PAST_CONNECTION_TIMEOUT:
            case PAUSE_PAST_LIVENESS:
                return true;
            default:
                return false;
        }
    }

    @Override
    public String toString() {
        return step + " on " + targets + ", back after " + backMs + " ms" + (detail.isEmpty() ? "" : ", " + detail);
    }
}
