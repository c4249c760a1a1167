package io.skiff.testkit.check;

/**
 * One operation a client invoked, as a {@link History} recorded it: who, what, when it was invoked and, if it
 * completed, when and how. Immutable; {@link History#calls()} returns a snapshot of these.
 */
public final class Call {
    private final long id;
    private final int clientId;
    private final Operation operation;
    private final long invokeNs;
    private final long invokeSeq;
    private final Outcome outcome;
    private final long completeNs;
    private final long completeSeq;

    Call(long id, int clientId, Operation operation, long invokeNs, long invokeSeq, Outcome outcome,
        long completeNs, long completeSeq) {
        this.id = id;
        this.clientId = clientId;
        this.operation = operation;
        this.invokeNs = invokeNs;
        this.invokeSeq = invokeSeq;
        this.outcome = outcome;
        this.completeNs = completeNs;
        this.completeSeq = completeSeq;
    }

    Call completed(Outcome outcome, long completeNs, long completeSeq) {
        return new Call(id, clientId, operation, invokeNs, invokeSeq, outcome, completeNs, completeSeq);
    }

    /** @return the id {@link History#invoke} returned: calls are numbered from 0 in the order they were invoked. */
    public long id() {
        return id;
    }

    /** @return the client that invoked the operation. */
    public int clientId() {
        return clientId;
    }

    /** @return what the client asked for. */
    public Operation operation() {
        return operation;
    }

    /** @return the invocation time the caller supplied, in nanoseconds of its own clock. */
    public long invokeNs() {
        return invokeNs;
    }

    /** @return whether the call was completed; one that was not counts as {@link Outcome#unknown()}. */
    public boolean isComplete() {
        return null != outcome;
    }

    /** @return how the call ended; {@link Outcome#unknown()} if it was never completed. */
    public Outcome outcome() {
        return null == outcome ? Outcome.unknown() : outcome;
    }

    /** @return the completion time the caller supplied, or {@link Long#MAX_VALUE} if never completed. */
    public long completeNs() {
        return null == outcome ? Long.MAX_VALUE : completeNs;
    }

    long invokeSeq() {
        return invokeSeq;
    }

    long completeSeq() {
        return completeSeq;
    }

    /** @return e.g. {@code #12 client 3 put(k, v) [1000..1250] ok}. */
    @Override
    public String toString() {
        return "#" + id + " client " + clientId + ' ' + operation + " [" + invokeNs + ".."
            + (null == outcome ? "" : Long.toString(completeNs)) + "] "
            + (null == outcome ? "never completed" : outcome.toString());
    }
}
