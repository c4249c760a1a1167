package io.skiff.testkit.sim;

/**
 * How a network treats frames on a link: latency with jitter, probabilities of loss, duplication and reordering (a
 * reordered frame is held back by up to {@code reorderDelayNs} more), loss of frames of chosen types, and a cap on
 * the frames in flight. Immutable. The simulated {@link SimNetwork} and the real-time
 * {@link io.skiff.testkit.InMemoryNetwork} both take it, so one description of a link serves both.
 *
 * @param minDelayNs           the least one-way latency.
 * @param maxDelayNs           the most one-way latency (jitter is uniform in between).
 * @param dropProbability      chance a frame is lost.
 * @param duplicateProbability chance a frame arrives twice.
 * @param reorderProbability   chance a frame is held back, so later frames overtake it.
 * @param reorderDelayNs       the most a reordered frame is held back.
 * @param dropTypeMask         frame types (bit {@code 1 << type}) lost with {@code dropTypeProbability}.
 * @param dropTypeProbability  chance a frame of a type in the mask is lost.
 * @param maxInFlightFrames    the most frames the link holds at once while they wait out their latency, like the
 *                             queue of a slow link; a send beyond it is refused as back-pressured. 0 is no limit.
 */
public record LinkFaults(long minDelayNs, long maxDelayNs, double dropProbability, double duplicateProbability,
    double reorderProbability, long reorderDelayNs, long dropTypeMask, double dropTypeProbability,
    int maxInFlightFrames) {

    /** A healthy simulated link: 0.1-0.5 ms latency, nothing lost. */
    public static final LinkFaults HEALTHY = new LinkFaults(100_000, 500_000, 0, 0, 0, 0, 0, 0, 0);

    /**
     * A perfect link: no latency, nothing lost, no limit. The real-time network's default, under which frames go
     * straight into the destination's inbox on the sender's thread.
     */
    public static final LinkFaults NONE = new LinkFaults(0, 0, 0, 0, 0, 0, 0, 0, 0);

    /**
     * @throws IllegalArgumentException when the delays are not {@code 0 <= min <= max}, the reorder delay or the
     *                                  in-flight limit is negative, or a probability is outside [0, 1].
     */
    public LinkFaults {
        if (minDelayNs < 0 || maxDelayNs < minDelayNs || reorderDelayNs < 0) {
            throw new IllegalArgumentException("delays must satisfy 0 <= min <= max and reorder >= 0, got min="
                + minDelayNs + " max=" + maxDelayNs + " reorder=" + reorderDelayNs);
        }
        if (maxInFlightFrames < 0) {
            throw new IllegalArgumentException("maxInFlightFrames must be 0 (no limit) or positive, got "
                + maxInFlightFrames);
        }
        checkProbability(dropProbability, "dropProbability");
        checkProbability(duplicateProbability, "duplicateProbability");
        checkProbability(reorderProbability, "reorderProbability");
        checkProbability(dropTypeProbability, "dropTypeProbability");
    }

    /** Faults without an in-flight limit, as before the limit existed. */
    public LinkFaults(long minDelayNs, long maxDelayNs, double dropProbability, double duplicateProbability,
        double reorderProbability, long reorderDelayNs, long dropTypeMask, double dropTypeProbability) {
        this(minDelayNs, maxDelayNs, dropProbability, duplicateProbability, reorderProbability, reorderDelayNs,
            dropTypeMask, dropTypeProbability, 0);
    }

    private static void checkProbability(double p, String name) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException(name + " must be within [0, 1], got " + p);
        }
    }

    public LinkFaults withDelay(long minNs, long maxNs) {
        return new LinkFaults(minNs, maxNs, dropProbability, duplicateProbability, reorderProbability, reorderDelayNs,
            dropTypeMask, dropTypeProbability, maxInFlightFrames);
    }

    public LinkFaults withDrop(double probability) {
        return new LinkFaults(minDelayNs, maxDelayNs, probability, duplicateProbability, reorderProbability,
            reorderDelayNs, dropTypeMask, dropTypeProbability, maxInFlightFrames);
    }

    public LinkFaults withDuplicate(double probability) {
        return new LinkFaults(minDelayNs, maxDelayNs, dropProbability, probability, reorderProbability,
            reorderDelayNs, dropTypeMask, dropTypeProbability, maxInFlightFrames);
    }

    public LinkFaults withReorder(double probability, long maxExtraDelayNs) {
        return new LinkFaults(minDelayNs, maxDelayNs, dropProbability, duplicateProbability, probability,
            maxExtraDelayNs, dropTypeMask, dropTypeProbability, maxInFlightFrames);
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
            reorderDelayNs, mask, probability, maxInFlightFrames);
    }

    /**
     * Caps the frames in flight on the link, a bandwidth-like queue limit: with latency {@code L} the link carries
     * at most {@code frames / L} frames a second, and senders beyond it see back-pressure.
     *
     * @param frames the most frames in flight, 0 for no limit.
     * @return new faults.
     */
    public LinkFaults withMaxInFlight(int frames) {
        return new LinkFaults(minDelayNs, maxDelayNs, dropProbability, duplicateProbability, reorderProbability,
            reorderDelayNs, dropTypeMask, dropTypeProbability, frames);
    }
}
