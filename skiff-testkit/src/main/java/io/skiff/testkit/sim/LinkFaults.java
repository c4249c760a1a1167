package io.skiff.testkit.sim;

/**
 * How the simulated network treats frames on a link: latency with jitter, and probabilities of loss, duplication
 * and reordering (a reordered frame is held back by up to {@code reorderDelayNs} more). Immutable.
 *
 * @param minDelayNs          the least one-way latency.
 * @param maxDelayNs          the most one-way latency (jitter is uniform in between).
 * @param dropProbability     chance a frame is lost.
 * @param duplicateProbability chance a frame arrives twice.
 * @param reorderProbability  chance a frame is held back, so later frames overtake it.
 * @param reorderDelayNs      the most a reordered frame is held back.
 * @param dropTypeMask        frame types (bit {@code 1 << type}) lost with {@code dropTypeProbability}.
 * @param dropTypeProbability chance a frame of a type in the mask is lost.
 */
public record LinkFaults(long minDelayNs, long maxDelayNs, double dropProbability, double duplicateProbability,
    double reorderProbability, long reorderDelayNs, long dropTypeMask, double dropTypeProbability) {

    /** A healthy link: 0.1-0.5 ms latency, nothing lost. */
    public static final LinkFaults HEALTHY = new LinkFaults(100_000, 500_000, 0, 0, 0, 0, 0, 0);

    public LinkFaults {
        if (minDelayNs < 0 || maxDelayNs < minDelayNs || reorderDelayNs < 0) {
            throw new IllegalArgumentException("delays must satisfy 0 <= min <= max and reorder >= 0, got min="
                + minDelayNs + " max=" + maxDelayNs + " reorder=" + reorderDelayNs);
        }
        checkProbability(dropProbability, "dropProbability");
        checkProbability(duplicateProbability, "duplicateProbability");
        checkProbability(reorderProbability, "reorderProbability");
        checkProbability(dropTypeProbability, "dropTypeProbability");
    }

    private static void checkProbability(double p, String name) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException(name + " must be within [0, 1], got " + p);
        }
    }

    public LinkFaults withDelay(long minNs, long maxNs) {
        return new LinkFaults(minNs, maxNs, dropProbability, duplicateProbability, reorderProbability, reorderDelayNs,
            dropTypeMask, dropTypeProbability);
    }

    public LinkFaults withDrop(double probability) {
        return new LinkFaults(minDelayNs, maxDelayNs, probability, duplicateProbability, reorderProbability,
            reorderDelayNs, dropTypeMask, dropTypeProbability);
    }

    public LinkFaults withDuplicate(double probability) {
        return new LinkFaults(minDelayNs, maxDelayNs, dropProbability, probability, reorderProbability,
            reorderDelayNs, dropTypeMask, dropTypeProbability);
    }

    public LinkFaults withReorder(double probability, long maxExtraDelayNs) {
        return new LinkFaults(minDelayNs, maxDelayNs, dropProbability, duplicateProbability, probability,
            maxExtraDelayNs, dropTypeMask, dropTypeProbability);
    }

    /**
     * Loses frames of some types only, e.g. only AppendEntries responses.
     *
     * @param probability chance such a frame is lost.
     * @param types       frame types, see {@code io.skiff.core.codec.MessageType}.
     * @return new faults.
     */
    public LinkFaults withTypeDrop(double probability, int... types) {
        long mask = 0;
        for (int type : types) {
            mask |= 1L << type;
        }
        return new LinkFaults(minDelayNs, maxDelayNs, dropProbability, duplicateProbability, reorderProbability,
            reorderDelayNs, mask, probability);
    }
}
