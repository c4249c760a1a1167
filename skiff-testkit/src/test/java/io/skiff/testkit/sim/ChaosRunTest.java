package io.skiff.testkit.sim;

import io.skiff.core.raft.DeliberateBug;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The checks are trusted only because they catch deliberately broken variants, each with a seed. */
class ChaosRunTest {
    private static final ChaosRun.Settings HARSH = ChaosRun.Settings.defaults().withNodes(3).withMaxImpaired(2)
        .withFaultPhase(Duration.ofSeconds(20)).withMeanFaultGap(Duration.ofMillis(100))
        .withOptions(o -> o.batchEntriesLimit(1));

    @Test
    void healthyRunsPassAndServeClients() {
        for (long seed = 1; seed <= 5; seed++) {
            final ChaosRun.Result result = ChaosRun.run(seed, HARSH);
            assertThat(result.failed()).as(result.report()).isFalse();
            assertThat(result.operations().stream().filter(o -> o.outcome() == Workload.Operation.Outcome.OK))
                .isNotEmpty();
        }
    }

    @Test
    void aLeaderCommittingByCountingIsCaught() {
        assertCaught(HARSH.withBug(DeliberateBug.COMMIT_BY_COUNTING), "commit by counting");
    }

    @Test
    void acknowledgingBeforePersistingIsCaught() {
        assertCaught(HARSH.withBug(DeliberateBug.ACK_BEFORE_PERSIST), null);
    }

    @Test
    void readsWithoutConfirmingLeadershipAreCaughtByTheLinearizabilityCheck() {
        assertCaught(HARSH.withBug(DeliberateBug.READ_WITHOUT_QUORUM), "linearizability");
    }

    @Test
    void aDiskThatForgetsTheVoteIsCaught() {
        assertCaught(HARSH.withDisk(DiskFaults.HEALTHY.withForgottenVote(true))
            .withNodes(5).withOptions(o -> o.preVote(false)), "vote");
    }

    /** Issue 12, defect 4: caught by the leader-voter invariant on the CI seeds of the handovers profile. */
    @Test
    void aJoinerBootingAsAVoterIsCaughtByTheCiSeeds() {
        assertCaughtByCiSeeds(SimulationSeedsTest.HANDOVERS, DeliberateBug.JOINER_BOOTS_AS_VOTER,
            "only a voter of the leader's own configuration becomes leader");
    }

    /** Runs the profile's first CI seeds (those {@link SimulationSeedsTest} runs it with) broken: one must fail. */
    private static void assertCaughtByCiSeeds(ChaosRun.Settings profile, DeliberateBug bug, String property) {
        final long[] seeds = java.util.stream.LongStream.rangeClosed(1, 300)
            .filter(seed -> SimulationSeedsTest.settingsFor(seed) == profile).limit(20).toArray();
        for (long seed : seeds) {
            final ChaosRun.Result result = ChaosRun.run(seed, profile.withBug(bug));
            if (result.failed()) {
                assertThat(result.report()).contains("seed " + seed).contains("-Dskiff.seed=" + seed);
                assertThat(result.failure().getMessage()).contains(property);
                return;
            }
        }
        throw new AssertionError("no CI seed of " + java.util.Arrays.toString(seeds) + " caught " + bug);
    }

    private static void assertCaught(ChaosRun.Settings settings, String property) {
        for (long seed = 1; seed <= 100; seed++) {
            final ChaosRun.Result result = ChaosRun.run(seed, settings);
            if (result.failed()) {
                assertThat(result.report()).contains("seed " + seed).contains("-Dskiff.seed=" + seed);
                if (null != property) {
                    assertThat(result.failure().getMessage()).contains(property);
                }
                return;
            }
        }
        throw new AssertionError("no seed in 1..100 caught " + settings.bugs());
    }
}
