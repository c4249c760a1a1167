package io.skiff.testkit;

import io.skiff.SkiffNode;
import io.skiff.testkit.sim.Simulation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.opentest4j.TestAbortedException;

import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(SkiffExtension.class)
class SkiffExtensionTest {
    @Test
    @SkiffExtension.Seed(77)
    void aSimulationParameterIsSeededAndSized(@SkiffExtension.Nodes(5) Simulation sim) {
        assertThat(sim.addresses()).hasSize(5);
        assertThat(sim.seed()).isEqualTo(Long.getLong("skiff.seed", 77));
        sim.start();
        final SkiffNode leader = sim.awaitLeader(Duration.ofSeconds(5));
        sim.await(leader.levelup().put("k", "v"), Duration.ofSeconds(5));
    }

    @Test
    void aLocalClusterParameterIsStartedAndSurvivesACrash(LocalCluster cluster) {
        final SkiffNode leader = cluster.awaitLeader(Duration.ofSeconds(10));
        leader.levelup().put("k", "v").join();
        final int index = cluster.nodes().indexOf(leader) + 1;
        cluster.crash(index);
        final SkiffNode next = cluster.awaitLeader(Duration.ofSeconds(10));
        assertThat(next.levelup().get("k").join()).isEqualTo(Optional.of("v"));
        cluster.restart(index);
        assertThat(cluster.node(index).levelup().get("k").join()).isEqualTo(Optional.of("v"));
    }

    @Test
    void aFailureNamesTheSeedThatReplaysIt() {
        final AssertionError failure = SkiffExtension.withSeed(new AssertionError("boom"), 42);
        assertThat(failure).hasMessage("boom [simulation seed 42; replay with -Dskiff.seed=42]");
    }

    @Test
    void onlyAFailureAfterTheSimulationRanGetsTheSeed() {
        final Simulation sim = Simulation.builder().seed(9).nodes(3).build();
        final AssertionError failure = new AssertionError("boom");
        assertThat(SkiffExtension.withReplayHint(failure, null)).as("no simulation").isSameAs(failure);
        assertThat(SkiffExtension.withReplayHint(failure, sim)).as("not run yet").isSameAs(failure);

        sim.start();
        sim.runFor(Duration.ofMillis(100));

        assertThat(SkiffExtension.withReplayHint(failure, sim)).hasMessage(
            "boom [simulation seed 9; replay with -Dskiff.seed=9]").hasCause(failure);
        final ParameterResolutionException setUp = new ParameterResolutionException("cannot build");
        assertThat(SkiffExtension.withReplayHint(setUp, sim)).as("set-up error").isSameAs(setUp);
        final TestAbortedException aborted = new TestAbortedException("assumption");
        assertThat(SkiffExtension.withReplayHint(aborted, sim)).as("aborted test stays aborted").isSameAs(aborted);
    }
}
