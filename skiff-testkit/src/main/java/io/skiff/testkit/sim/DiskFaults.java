package io.skiff.testkit.sim;

/**
 * How one node's simulated disk misbehaves. Immutable.
 *
 * @param syncLatencyNs       time each sync takes; the node can do nothing else meanwhile, and frames it sends
 *                            after a sync leave only once the sync is done.
 * @param failWrites          every append and sync fails with a storage error (a dead disk).
 * @param crashOnSyncProbability chance that a sync never completes because the node loses power during it: the
 *                            node crashes, and what was appended since the last completed sync is lost.
 * @param tornTailOnCrash     on a crash, the first entry not synced survives half-written; recovery must detect
 *                            it by its checksum and drop it.
 * @param forgetVote          a deliberately broken disk: the vote is lost on restart (to prove that the
 *                            invariants catch the resulting double vote).
 */
public record DiskFaults(long syncLatencyNs, boolean failWrites, double crashOnSyncProbability, boolean tornTailOnCrash,
    boolean forgetVote) {

    /** A healthy disk with a 50 µs sync. */
    public static final DiskFaults HEALTHY = new DiskFaults(50_000, false, 0, false, false);

    public DiskFaults withSyncLatency(long latencyNs) {
        return new DiskFaults(latencyNs, failWrites, crashOnSyncProbability, tornTailOnCrash, forgetVote);
    }

    public DiskFaults withFailingWrites(boolean fail) {
        return new DiskFaults(syncLatencyNs, fail, crashOnSyncProbability, tornTailOnCrash, forgetVote);
    }

    public DiskFaults withCrashOnSync(double probability) {
        return new DiskFaults(syncLatencyNs, failWrites, probability, tornTailOnCrash, forgetVote);
    }

    public DiskFaults withTornTail(boolean torn) {
        return new DiskFaults(syncLatencyNs, failWrites, crashOnSyncProbability, torn, forgetVote);
    }

    public DiskFaults withForgottenVote(boolean forget) {
        return new DiskFaults(syncLatencyNs, failWrites, crashOnSyncProbability, tornTailOnCrash, forget);
    }
}
