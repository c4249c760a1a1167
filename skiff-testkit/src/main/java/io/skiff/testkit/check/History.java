package io.skiff.testkit.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A thread-safe recorder of what clients asked a key-value store and what they were told, for the
 * {@link LinearizabilityChecker}.
 *
 * <p>Record the invocation before the request leaves the client and the completion after the answer arrives:
 * <pre>{@code
 * long call = history.invoke(clientId, Operation.put("k", "v1"), clock.nanoTime());
 * try {
 *     store.put("k", "v1");
 *     history.complete(call, Outcome.ok(), clock.nanoTime());
 * } catch (TimeoutException e) {
 *     history.complete(call, Outcome.unknown(), clock.nanoTime());
 * }
 * }</pre>
 *
 * <p>Times are whatever the caller's clock says: virtual time in a simulation, {@link System#nanoTime()} in a
 * real-time test. An operation precedes another when its completion is earlier than the other's invocation;
 * equal times are ordered as they were recorded, which is sound as long as each client records its invocation
 * before sending and its completion after receiving (so a single-threaded simulation may use one virtual instant
 * for many events). Time must be monotonic within the history: a completion earlier than its own invocation is
 * rejected.
 */
public final class History {
    private final List<Call> calls = new ArrayList<>();
    private long nextSeq;

    /**
     * Records that a client invoked an operation.
     *
     * @param clientId  the client (a process or thread); used only to print explanations.
     * @param operation what the client asked for.
     * @param timeNs    when, on the caller's clock, taken before the request was sent.
     * @return the call's id for {@link #complete}.
     * @throws NullPointerException if {@code operation} is null.
     */
    public synchronized long invoke(int clientId, Operation operation, long timeNs) {
        Objects.requireNonNull(operation, "operation");
        final long id = calls.size();
        calls.add(new Call(id, clientId, operation, timeNs, nextSeq++, null, 0, 0));
        return id;
    }

    /**
     * Records how a call ended.
     *
     * @param callId  the id {@link #invoke} returned.
     * @param outcome what the client was told: a get needs {@link Outcome#ok(String)}, a cas
     *                {@link Outcome#ok(boolean)}, a put, del or batch {@link Outcome#ok()}; any operation may
     *                end in {@link Outcome#fail()} or {@link Outcome#unknown()}.
     * @param timeNs  when, on the caller's clock, taken after the answer arrived.
     * @throws IllegalArgumentException if the id is unknown, the outcome does not fit the operation, or the time
     *                                  is before the invocation.
     * @throws IllegalStateException    if the call was already completed.
     */
    public synchronized void complete(long callId, Outcome outcome, long timeNs) {
        Objects.requireNonNull(outcome, "outcome");
        if (callId < 0 || callId >= calls.size()) {
            throw new IllegalArgumentException("expected a call id in [0, " + calls.size() + "), actual " + callId);
        }
        final Call call = calls.get((int)callId);
        if (call.isComplete()) {
            throw new IllegalStateException("call " + call + " is already complete; cannot complete it " + outcome);
        }
        if (timeNs < call.invokeNs()) {
            throw new IllegalArgumentException("completion time " + timeNs + " of call #" + callId
                + " is before its invocation time " + call.invokeNs());
        }
        if (Outcome.Status.OK == outcome.status()) {
            final Outcome.Payload expected = payloadOf(call.operation().kind());
            if (expected != outcome.payload()) {
                throw new IllegalArgumentException("expected an ok outcome of " + call.operation() + " to be "
                    + describe(expected) + ", actual " + outcome);
            }
        }
        calls.set((int)callId, call.completed(outcome, timeNs, nextSeq++));
    }

    /** @return a snapshot of every call so far, indexed by id; calls still running count as unknown. */
    public synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    /** @return how many calls were invoked. */
    public synchronized int size() {
        return calls.size();
    }

    private static Outcome.Payload payloadOf(Operation.Kind kind) {
        switch (kind) {
            case GET:
                return Outcome.Payload.VALUE;
            case CAS:
                return Outcome.Payload.FLAG;
            default:
                return Outcome.Payload.NONE;
        }
    }

    private static String describe(Outcome.Payload payload) {
        switch (payload) {
            case VALUE:
                return "Outcome.ok(value)";
            case FLAG:
                return "Outcome.ok(applied)";
            default:
                return "Outcome.ok()";
        }
    }
}
