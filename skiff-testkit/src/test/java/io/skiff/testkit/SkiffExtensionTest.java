package io.skiff.testkit;

import io.skiff.SkiffNode;
import io.skiff.testkit.sim.Simulation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

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
}
