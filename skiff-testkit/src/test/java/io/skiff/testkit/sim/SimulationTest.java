package io.skiff.testkit.sim;

import io.skiff.SkiffNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class SimulationTest {
    @Test
    void aSimulatedClusterElectsALeaderAndServesWrites() {
        final Simulation sim = Simulation.builder().seed(1).nodes(3).build();
        sim.start();
        final SkiffNode leader = sim.awaitLeader(Duration.ofSeconds(5));
        sim.await(leader.levelup().put("k", "v"), Duration.ofSeconds(5));
        for (SkiffNode node : sim.runningNodes()) {
            assertThat(sim.await(node.levelup().get("k"), Duration.ofSeconds(5))).isEqualTo(Optional.of("v"));
        }
        assertThat(sim.invariants().checks()).isPositive();
    }

    @Test
    void theSameSeedReplaysTheSameRun() {
        final String first = run(7);
        final String second = run(7);
        assertThat(second).isEqualTo(first);
        assertThat(run(8)).isNotEqualTo(first);
    }

    private static String run(long seed) {
        final Simulation sim = Simulation.builder().seed(seed).nodes(5).build();
        sim.start();
        final SkiffNode leader = sim.awaitLeader(Duration.ofSeconds(5));
        sim.network().isolate(leader.address());
        sim.runFor(Duration.ofSeconds(2));
        final SkiffNode next = sim.awaitLeader(Duration.ofSeconds(5));
        return leader.address() + " " + next.address() + " " + next.term() + " " + sim.eventsRun() + " "
            + sim.nowNs();
    }
}
