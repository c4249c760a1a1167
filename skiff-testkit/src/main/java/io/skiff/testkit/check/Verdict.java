package io.skiff.testkit.check;

/** What {@link LinearizabilityChecker} concluded about a history. */
public enum Verdict {
    /** Some order of the operations explains every result: the history is linearizable. */
    LINEARIZABLE,
    /** No order explains the results; {@link Result#violations()} says where. */
    NOT_LINEARIZABLE,
    /**
     * The search ran out of time or states before it could decide a part of the history, and found no violation
     * in the rest. Never read this as a pass: raise the budget or make the history easier (unique written values,
     * fewer keys joined by batches, fewer concurrent clients per key).
     */
    UNKNOWN
}
