package io.skiff.testkit.check;

import java.time.Duration;
import java.util.Objects;

/**
 * Decides whether a key-value {@link History} is linearizable: whether some order of its operations, each placed
 * at one instant between its invocation and its completion, explains every result a client saw.
 *
 * <p>The algorithm is Wing and Gong's search with Lowe's memoization ("Testing for linearizability", 2017), as
 * in Knossos and Porcupine: a depth-first search over the operations in real-time order that never visits the
 * same (placed set, model state) twice. The history is split by key first (linearizability is local), with keys
 * joined by batches checked together, so the cost grows with the concurrency per key rather than with the length
 * of the history.
 *
 * <p>Outcomes: a failed operation is removed; an unknown read is removed (it constrains nothing); an unknown
 * write may take effect at any instant after its invocation, even after the history ends, or never.
 *
 * <p>Cost: 100,000 operations over a few hundred keys with 20 clients and 5% unknown writes take well under a
 * second when the values written are unique (see {@link Operation}). Repeated values, many concurrent clients on
 * one key, and batches joining many keys all widen the search; when the budget runs out the verdict is
 * {@link Verdict#UNKNOWN}, never a pass.
 *
 * <pre>{@code
 * Result result = LinearizabilityChecker.check(history);
 * result.assertLinearizable();   // AssertionError with the explanation otherwise
 * }</pre>
 */
public final class LinearizabilityChecker {
    /** Time budget of {@link #check(History)}. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(1);
    /** Search nodes one search may cache in {@link #check(History)}: 100 to 300 bytes each, by partition width. */
    public static final long DEFAULT_MAX_STATES = 1_000_000;

    private LinearizabilityChecker() {
    }

    /**
     * Checks a history with the default budget: {@link #DEFAULT_TIMEOUT} and {@link #DEFAULT_MAX_STATES}.
     *
     * @param history the history; a snapshot is taken, calls still running count as unknown.
     * @return the verdict, violations with explanations, and stats.
     */
    public static Result check(History history) {
        return check(history, DEFAULT_TIMEOUT, DEFAULT_MAX_STATES);
    }

    /**
     * Checks a history within a budget.
     *
     * @param history   the history; a snapshot is taken, calls still running count as unknown.
     * @param timeout   wall-clock limit for the whole check; parts not decided by then are reported undecided.
     * @param maxStates search nodes any one partition may cache before it is reported undecided; bounds memory.
     * @return the verdict, violations with explanations, and stats; {@link Verdict#UNKNOWN} if the budget ran out
     *     before a part could be decided and no other part failed.
     * @throws IllegalArgumentException if the timeout or the state limit is not positive.
     */
    public static Result check(History history, Duration timeout, long maxStates) {
        Objects.requireNonNull(history, "history");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("expected a positive timeout, actual " + timeout);
        }
        if (maxStates <= 0) {
            throw new IllegalArgumentException("expected a positive state limit, actual " + maxStates);
        }
        final long timeoutNs = timeout.compareTo(Duration.ofDays(365)) > 0 ? Long.MAX_VALUE : timeout.toNanos();
        return new CheckRun(history.calls(), timeoutNs, maxStates).run();
    }
}
