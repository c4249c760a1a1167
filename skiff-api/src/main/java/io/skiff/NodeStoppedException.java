package io.skiff;

/**
 * The node is not running: it was never started, or it was stopped while the operation was pending.
 *
 * <p>A command pending at stop may already have been proposed to the cluster, so {@link #outcomeUnknown()} tells
 * whether it may still be applied.
 */
public final class NodeStoppedException extends SkiffException {
    private static final long serialVersionUID = 1L;

    private final boolean outcomeUnknown;

    public NodeStoppedException(String message, boolean outcomeUnknown) {
        super(message);
        this.outcomeUnknown = outcomeUnknown;
    }

    @Override
    public boolean outcomeUnknown() {
        return outcomeUnknown;
    }
}
