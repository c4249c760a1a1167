package io.skiff.core.raft;

import io.skiff.SkiffOptions;

/**
 * The core's settings, in nanoseconds and counts; derived once from {@link SkiffOptions}.
 *
 * @param electionTimeoutMinNs lower bound of the randomized election timeout.
 * @param electionTimeoutMaxNs upper bound (exclusive).
 * @param heartbeatIntervalNs  leader heartbeat interval.
 * @param batchEntriesLimit    entries per AppendEntries.
 * @param maxAppendBytes       entry bytes per AppendEntries.
 * @param maxInflightAppends   AppendEntries in flight per follower.
 * @param maxInflightBytes     entry bytes in flight per follower.
 * @param preVote              ask for pre-votes before an election.
 * @param checkQuorum          a leader steps down without a majority for an election timeout, and followers
 *                             that heard from a leader recently refuse to vote (leader stickiness).
 * @param snapshotChunkRecords records per InstallSnapshot chunk.
 * @param snapshotChunkBytes   record bytes per InstallSnapshot chunk (a larger single record still goes alone).
 * @param leaseClockDriftNs    how much shorter than the minimum election timeout a leader's lease is.
 */
public record CoreConfig(long electionTimeoutMinNs, long electionTimeoutMaxNs, long heartbeatIntervalNs,
    int batchEntriesLimit, int maxAppendBytes, int maxInflightAppends, int maxInflightBytes, boolean preVote,
    boolean checkQuorum, int snapshotChunkRecords, int snapshotChunkBytes, long leaseClockDriftNs) {

    /** The settings with the default clock-drift allowance of lease reads: a tenth of the election timeout. */
    public CoreConfig(long electionTimeoutMinNs, long electionTimeoutMaxNs, long heartbeatIntervalNs,
        int batchEntriesLimit, int maxAppendBytes, int maxInflightAppends, int maxInflightBytes, boolean preVote,
        boolean checkQuorum, int snapshotChunkRecords, int snapshotChunkBytes) {
        this(electionTimeoutMinNs, electionTimeoutMaxNs, heartbeatIntervalNs, batchEntriesLimit, maxAppendBytes,
            maxInflightAppends, maxInflightBytes, preVote, checkQuorum, snapshotChunkRecords, snapshotChunkBytes,
            electionTimeoutMinNs / 10);
    }

    /** @return how long a leader's lease lasts from the heartbeat round a majority acknowledged. */
    public long leaseNs() {
        return electionTimeoutMinNs - leaseClockDriftNs;
    }

    public static CoreConfig from(SkiffOptions options) {
        return new CoreConfig(options.electionTimeoutMin().toNanos(), options.electionTimeoutMax().toNanos(),
            options.appendEntriesInterval().toNanos(), options.batchEntriesLimit(), options.maxAppendBytes(),
            options.maxInflightAppends(), options.maxInflightBytes(), options.preVote(), options.checkQuorum(),
            options.installSnapshotChunkSize(), options.installSnapshotChunkBytes(),
            options.leaseClockDrift().toNanos());
    }
}
