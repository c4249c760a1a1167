package io.skiff;

/**
 * A majority of the cluster could not be reached, so the leader could not confirm its leadership or commit.
 *
 * <p>Used for reads and membership changes; such operations had no effect.
 */
public final class NoQuorumException extends SkiffException {
    private static final long serialVersionUID = 1L;

    public NoQuorumException(String message) {
        super(message);
    }
}
