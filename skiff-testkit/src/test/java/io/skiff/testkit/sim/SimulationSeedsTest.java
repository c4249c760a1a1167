package io.skiff.testkit.sim;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.stream.LongStream;

/**
 * Runs a fixed set of seeds through randomized fault schedules, alternating cluster sizes and fault mixes.
 * {@code -Dskiff.sim.seeds=N} runs N seeds (a soak: e.g. 10000), {@code -Dskiff.sim.firstSeed=S} starts at S, and
 * {@code -Dskiff.seed=S} replays one seed. A failure is shrunk to the shortest schedule that still fails, and the
 * report names the seed to replay.
 */
class SimulationSeedsTest {
    static LongStream seeds() {
        final String replay = System.getProperty("skiff.seed");
        if (null != replay) {
            return LongStream.of(Long.parseLong(replay));
        }
        final long first = Long.getLong("skiff.sim.firstSeed", 1);
        return LongStream.range(first, first + Long.getLong("skiff.sim.seeds", 300));
    }

    static ChaosRun.Settings settingsFor(long seed) {
        final ChaosRun.Settings base = ChaosRun.Settings.defaults().withFaultPhase(Duration.ofSeconds(60));
        switch ((int)Math.floorMod(seed, 4)) {
            case 0:
                return base.withNodes(5).withMaxImpaired(2).withMeanFaultGap(Duration.ofMillis(250));
            case 1:
                return base.withNodes(3).withMaxImpaired(1).withMeanFaultGap(Duration.ofMillis(300))
                    .withOptions(o -> o.batchEntriesLimit(2).maxInflightAppends(4));
            case 2:
                return base.withNodes(3).withMaxImpaired(2).withMeanFaultGap(Duration.ofMillis(150))
                    .withOptions(o -> o.preVote(false));
            default:
                // Frequent snapshots and a short log: followers that fall behind catch up by InstallSnapshot.
                return base.withNodes(3).withMaxImpaired(1).withMeanFaultGap(Duration.ofMillis(300))
                    .withOptions(o -> o.snapshotInterval(60).minLogRetention(10).installSnapshotChunkSize(3));
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void everyInvariantHoldsAndTheHealedClusterServes(long seed) {
        final ChaosRun.Settings settings = settingsFor(seed);
        final ChaosRun.Result result = ChaosRun.run(seed, settings);
        if (result.failed()) {
            final ChaosRun.Result shortest = ChaosRun.shrink(result, settings);
            throw new AssertionError("simulation failed; shortest failing schedule found:\n" + shortest.report(),
                result.failure());
        }
    }
}
