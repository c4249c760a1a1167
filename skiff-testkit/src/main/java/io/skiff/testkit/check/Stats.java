package io.skiff.testkit.check;

/** What a {@link LinearizabilityChecker} run covered and what it cost. Immutable. */
public final class Stats {
    private final int calls;
    private final int operations;
    private final int partitions;
    private final int largestPartition;
    private final long statesExplored;
    private final long elapsedNs;

    Stats(int calls, int operations, int partitions, int largestPartition, long statesExplored, long elapsedNs) {
        this.calls = calls;
        this.operations = operations;
        this.partitions = partitions;
        this.largestPartition = largestPartition;
        this.statesExplored = statesExplored;
        this.elapsedNs = elapsedNs;
    }

    /** @return calls in the history. */
    public int calls() {
        return calls;
    }

    /** @return operations checked: calls minus failed ones and reads with unknown outcome. */
    public int operations() {
        return operations;
    }

    /** @return independent parts the history split into: keys, or groups of keys joined by batches. */
    public int partitions() {
        return partitions;
    }

    /** @return operations in the largest partition. */
    public int largestPartition() {
        return largestPartition;
    }

    /** @return search nodes cached over every search, the measure of the work done. */
    public long statesExplored() {
        return statesExplored;
    }

    /** @return wall-clock time of the check. */
    public long elapsedNs() {
        return elapsedNs;
    }

    @Override
    public String toString() {
        return calls + " calls, " + operations + " operations checked in " + partitions
            + " partitions (largest " + largestPartition + "), " + statesExplored + " states explored in "
            + (elapsedNs / 1_000_000) + " ms";
    }
}
