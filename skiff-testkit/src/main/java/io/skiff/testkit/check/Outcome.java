package io.skiff.testkit.check;

/**
 * How a client learned an {@link Operation} ended, in Jepsen's three kinds.
 *
 * <ul>
 *   <li>{@code ok}: it took effect exactly once between invocation and completion, with this result;</li>
 *   <li>{@code fail}: it definitely did not take effect (the store rejected it before applying it); the checker
 *       removes it;</li>
 *   <li>{@code unknown} (Jepsen's {@code info}): a timeout, a lost connection, a crash; it may have taken effect
 *       once at any moment after its invocation — even after the history ends — or never. An operation never
 *       completed counts as unknown. Reporting {@code fail} when the truth is unknown hides real bugs and
 *       invents false ones, so clients must say unknown whenever they are not sure.</li>
 * </ul>
 *
 * Immutable.
 */
public final class Outcome {
    /** The three kinds of ending. */
    public enum Status {
        /** Took effect, with a known result. */
        OK,
        /** Definitely did not take effect. */
        FAIL,
        /** May or may not have taken effect. */
        UNKNOWN
    }

    /** What an {@code ok} outcome carries, so {@link History#complete} can match it to the operation kind. */
    enum Payload {
        NONE,
        VALUE,
        FLAG
    }

    private static final Outcome OK = new Outcome(Status.OK, Payload.NONE, null, false);
    private static final Outcome FAIL = new Outcome(Status.FAIL, Payload.NONE, null, false);
    private static final Outcome UNKNOWN = new Outcome(Status.UNKNOWN, Payload.NONE, null, false);
    private static final Outcome CAS_APPLIED = new Outcome(Status.OK, Payload.FLAG, null, true);
    private static final Outcome CAS_REFUSED = new Outcome(Status.OK, Payload.FLAG, null, false);

    private final Status status;
    private final Payload payload;
    private final String value;
    private final boolean applied;

    private Outcome(Status status, Payload payload, String value, boolean applied) {
        this.status = status;
        this.payload = payload;
        this.value = value;
        this.applied = applied;
    }

    /** @return success of a put, del or batch. */
    public static Outcome ok() {
        return OK;
    }

    /**
     * @param value what a get returned, {@code null} if the key was absent.
     * @return success of a get.
     */
    public static Outcome ok(String value) {
        return new Outcome(Status.OK, Payload.VALUE, value, false);
    }

    /**
     * @param applied whether a cas found the expected value and wrote.
     * @return success of a cas; a cas that found another value is {@code ok(false)}, not {@link #fail()}.
     */
    public static Outcome ok(boolean applied) {
        return applied ? CAS_APPLIED : CAS_REFUSED;
    }

    /** @return an operation that definitely did not take effect. */
    public static Outcome fail() {
        return FAIL;
    }

    /** @return an operation that may or may not have taken effect (Jepsen's {@code info}). */
    public static Outcome unknown() {
        return UNKNOWN;
    }

    /** @return the kind of ending. */
    public Status status() {
        return status;
    }

    /** @return the value an ok get returned ({@code null}: absent); {@code null} for every other outcome. */
    public String value() {
        return value;
    }

    /** @return whether an ok cas wrote; {@code false} for every other outcome. */
    public boolean applied() {
        return applied;
    }

    Payload payload() {
        return payload;
    }

    @Override
    public String toString() {
        if (Status.OK != status) {
            return Status.FAIL == status ? "fail" : "unknown";
        }
        switch (payload) {
            case VALUE:
                return "ok " + value;
            case FLAG:
                return "ok " + applied;
            default:
                return "ok";
        }
    }
}
