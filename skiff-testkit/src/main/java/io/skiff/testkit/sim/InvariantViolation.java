package io.skiff.testkit.sim;

/** A Raft safety property was violated; the message names the property, the nodes and the indexes involved. */
public final class InvariantViolation extends AssertionError {
    private static final long serialVersionUID = 1L;

    private final String property;

    InvariantViolation(String property, String detail) {
        super(property + " violated: " + detail);
        this.property = property;
    }

    /** @return the violated property, e.g. {@code election safety}. */
    public String property() {
        return property;
    }
}
