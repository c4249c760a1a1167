package io.skiff;

/**
 * An operation did not complete in time.
 *
 * <p>For commands the outcome is unknown: the cluster may still commit and apply the command later. Retrying it
 * through the same node is safe because Skiff deduplicates retried commands; issuing a new command is not.
 */
public final class SkiffTimeoutException extends SkiffException {
    private static final long serialVersionUID = 1L;

    private final boolean outcomeUnknown;

    public SkiffTimeoutException(String message, boolean outcomeUnknown) {
        super(message);
        this.outcomeUnknown = outcomeUnknown;
    }

    @Override
    public boolean outcomeUnknown() {
        return outcomeUnknown;
    }
}
