package io.skiff.testkit.sim;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seeds that once found a bug in the core, replayed with the settings they ran with. Each names the bug it found.
 */
class SimulationRegressionTest {
    /**
     * A leader streaming to a follower in REPLICATE state lost every AppendEntries in flight to link chaos; with
     * the window full it never sent again, and heartbeats kept the follower from electing anyone: replication
     * stalled for good. Fixed by falling back to probing when heartbeats are answered but appends are not.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 7, 16, 22, 25, 28, 58, 88, 118, 124, 133, 136, 142})
    void replicationRecoversWhenEveryAppendInFlightIsLost(long seed) {
        final ChaosRun.Result result = ChaosRun.run(seed, SimulationSeedsTest.SMALL_WINDOW);
        assertThat(result.failed()).as(result.report()).isFalse();
    }

    /**
     * A crash between storing a received snapshot and compacting the log left a snapshot ahead of the log; the
     * restarted node then committed past its log and could never catch up. Fixed by finishing the install on
     * start (aligning the log with the latest snapshot).
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {87, 119, 167, 255, 271})
    void aSnapshotStoredJustBeforeACrashIsFullyInstalledOnRestart(long seed) {
        final ChaosRun.Result result = ChaosRun.run(seed, SimulationSeedsTest.SNAPSHOTS);
        assertThat(result.failed()).as(result.report()).isFalse();
    }

    /**
     * The only voter, leading, began promoting a learner (a joint configuration of the learner and itself); the
     * learner crashed before receiving that entry, then the leader crashed. Restarted, the leader needed the
     * learner's vote, but the learner refused every vote because its own log still made it a learner: no leader,
     * ever. Fixed by letting any node vote; the candidate's configuration decides whether the vote counts.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {21647})
    void aLearnerThatMissedItsPromotionStillVotes(long seed) {
        final ChaosRun.Result result = ChaosRun.run(seed, SimulationSeedsTest.MEMBERSHIP);
        assertThat(result.failed()).as(result.report()).isFalse();
    }

    /**
     * A leader removed by a change appended the final configuration, lost its quorum before anyone else had it and
     * stepped down. The only other voter of the joint configuration needed its vote and was refused (its log was
     * shorter), while the removed leader, left out of its own latest configuration, never campaigned: no leader,
     * ever. Fixed as thesis §4.2.2 says: a server left out of an uncommitted latest configuration still campaigns.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {61325})
    void aServerLeftOutOfAnUncommittedConfigurationStillCampaigns(long seed) {
        final ChaosRun.Result result = ChaosRun.run(seed, SimulationSeedsTest.MEMBERSHIP);
        assertThat(result.failed()).as(result.report()).isFalse();
    }
}
