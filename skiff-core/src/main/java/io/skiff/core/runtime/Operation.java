package io.skiff.core.runtime;

import io.skiff.ReadConsistency;
import io.skiff.SkiffException;

import java.util.concurrent.CompletableFuture;

/**
 * One client operation on its way through a node: created on the caller's thread, handled on the loop, and
 * completed on the event thread (it is the {@link Runnable} the event thread runs), so completing it allocates
 * nothing further.
 */
final class Operation implements Runnable {
    enum Kind { COMMAND, QUERY, READ_CONSENSUS, PEERS, WEAKEN, MEMBERSHIP }

    final Kind kind;
    final CompletableFuture<Object> future = new CompletableFuture<>();
    final byte[] payload;
    final ReadConsistency consistency;
    final long durationNs;

    /** Commands: the session sequence number; reads: the read batch waiting for a read index. */
    long sequence;
    /** Times this operation was sent to a leader (or proposed). */
    int attempts;
    /** When it is retried or fails. */
    long deadlineNs;
    /** Commands: the term in which this node proposed it as leader, or -1. */
    long proposedTerm = -1;
    /** Whether it may have reached a leader, so that a failure leaves its outcome unknown. */
    boolean sent;
    /** Reads: the index the state machine must reach first, or -1 while unknown. */
    long readIndex = -1;
    /** Membership: the operation ({@code MessageLayout.MEMBERSHIP_*}) and when it finally gives up. */
    int membershipOperation;
    long expiresNs;
    boolean done;

    private Object result;
    private SkiffException failure;

    private Operation(Kind kind, byte[] payload, ReadConsistency consistency, long durationNs) {
        this.kind = kind;
        this.payload = payload;
        this.consistency = consistency;
        this.durationNs = durationNs;
    }

    static Operation command(byte[] command) {
        return new Operation(Kind.COMMAND, command, ReadConsistency.LINEARIZABLE, 0);
    }

    static Operation query(byte[] query, ReadConsistency consistency) {
        return new Operation(Kind.QUERY, query, consistency, 0);
    }

    static Operation readConsensus() {
        return new Operation(Kind.READ_CONSENSUS, null, ReadConsistency.LINEARIZABLE, 0);
    }

    static Operation peers() {
        return new Operation(Kind.PEERS, null, ReadConsistency.LINEARIZABLE, 0);
    }

    /**
     * @param operation {@code MessageLayout.MEMBERSHIP_JOIN}, {@code _LEAVE} or {@code _TRANSFER}.
     * @param target    the member's address, as text bytes.
     */
    static Operation membership(int operation, byte[] target, long timeoutNs) {
        final Operation membership = new Operation(Kind.MEMBERSHIP, target, ReadConsistency.LINEARIZABLE, timeoutNs);
        membership.membershipOperation = operation;
        return membership;
    }

    static Operation weaken(long durationNs) {
        return new Operation(Kind.WEAKEN, null, ReadConsistency.LOCAL, durationNs);
    }

    /** Records the outcome; the event thread completes the future. */
    void succeed(Object value) {
        result = value;
        done = true;
    }

    void fail(SkiffException cause) {
        failure = cause;
        done = true;
    }

    @Override
    public void run() {
        if (null != failure) {
            future.completeExceptionally(failure);
        } else {
            future.complete(result);
        }
    }
}
