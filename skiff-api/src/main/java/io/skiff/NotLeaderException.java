package io.skiff;

import java.util.Optional;

/**
 * The operation needs the leader and this node is not it, or no leader could be reached in time.
 *
 * <p>The command was not applied. The call can be retried on the node named by {@link #leader()} when it is known.
 */
public final class NotLeaderException extends SkiffException {
    private static final long serialVersionUID = 1L;

    private final NodeAddress leader;

    public NotLeaderException(String message, NodeAddress leader) {
        super(message);
        this.leader = leader;
    }

    /**
     * The leader this node knows of, if any.
     *
     * @return the leader's address, or empty while no leader is known.
     */
    public Optional<NodeAddress> leader() {
        return Optional.ofNullable(leader);
    }
}
