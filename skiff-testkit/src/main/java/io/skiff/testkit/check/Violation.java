package io.skiff.testkit.check;

import java.util.List;

/**
 * One independent part of a history (a key, or keys joined by batches) that no order of operations explains,
 * with an explanation built from where the search got furthest: the longest valid order it found, the operation
 * that could not follow it and why, and the other operations that could have come next. The explanation is one
 * witness of the failure, not a minimal one; it is usually enough to see the bug.
 */
public final class Violation {
    private final List<String> keys;
    private final String explanation;
    private final List<Call> calls;

    Violation(List<String> keys, String explanation, List<Call> calls) {
        this.keys = List.copyOf(keys);
        this.explanation = explanation;
        this.calls = List.copyOf(calls);
    }

    /** @return the keys of the part that failed, sorted. */
    public List<String> keys() {
        return keys;
    }

    /** @return a printable explanation over several lines. */
    public String explanation() {
        return explanation;
    }

    /** @return the calls the explanation mentions. */
    public List<Call> calls() {
        return calls;
    }

    @Override
    public String toString() {
        return explanation;
    }
}
