package io.skiff;

/** Persisted state or a peer belongs to another cluster than the one this node was configured for. */
public final class ClusterMismatchException extends SkiffException {
    private static final long serialVersionUID = 1L;

    public ClusterMismatchException(String message) {
        super(message);
    }
}
