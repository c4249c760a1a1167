package io.skiff.testkit.check;

import java.util.List;

/**
 * The outcome of {@link LinearizabilityChecker#check}: a verdict, the violations found, why a part stayed
 * undecided, and what the check cost. Immutable.
 */
public final class Result {
    private final Verdict verdict;
    private final List<Violation> violations;
    private final List<String> undecided;
    private final Stats stats;

    Result(List<Violation> violations, List<String> undecided, Stats stats) {
        this.violations = List.copyOf(violations);
        this.undecided = List.copyOf(undecided);
        this.stats = stats;
        if (!violations.isEmpty()) {
            verdict = Verdict.NOT_LINEARIZABLE;
        } else {
            verdict = undecided.isEmpty() ? Verdict.LINEARIZABLE : Verdict.UNKNOWN;
        }
    }

    /** @return the verdict; a history with a violation is not linearizable even if other parts stayed undecided. */
    public Verdict verdict() {
        return verdict;
    }

    /** @return whether the verdict is {@link Verdict#LINEARIZABLE}; {@code false} for {@link Verdict#UNKNOWN}. */
    public boolean isLinearizable() {
        return Verdict.LINEARIZABLE == verdict;
    }

    /** @return the parts of the history no order explains, each with an explanation. */
    public List<Violation> violations() {
        return violations;
    }

    /** @return why parts of the history were not decided (budget exhausted), one line each. */
    public List<String> undecided() {
        return undecided;
    }

    /** @return what was checked and what it cost. */
    public Stats stats() {
        return stats;
    }

    /**
     * Throws unless the history is linearizable, for use in tests.
     *
     * @throws AssertionError with the whole report if the verdict is not {@link Verdict#LINEARIZABLE}.
     */
    public void assertLinearizable() {
        if (!isLinearizable()) {
            throw new AssertionError(toString());
        }
    }

    /** @return the verdict, the stats, each violation's explanation and each undecided part. */
    @Override
    public String toString() {
        final StringBuilder text = new StringBuilder(verdict.toString()).append(" (").append(stats).append(')');
        for (final Violation violation : violations) {
            text.append('\n').append(violation.explanation());
        }
        for (final String reason : undecided) {
            text.append("\nundecided: ").append(reason);
        }
        return text.toString();
    }
}
