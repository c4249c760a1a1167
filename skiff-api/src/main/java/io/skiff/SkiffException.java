package io.skiff;

/**
 * Base of every exception Skiff throws or completes a future with.
 *
 * <p>Subclasses say whether the failed operation may have taken effect: {@link #outcomeUnknown()} is {@code true}
 * only when a command may still be applied by the cluster (for example after a timeout), so that a client knows
 * whether a retry could apply it twice.
 */
public class SkiffException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SkiffException(String message) {
        super(message);
    }

    public SkiffException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Whether the operation that failed may nevertheless have been applied.
     *
     * @return {@code true} when the outcome is unknown, {@code false} when the operation certainly had no effect.
     */
    public boolean outcomeUnknown() {
        return false;
    }
}
