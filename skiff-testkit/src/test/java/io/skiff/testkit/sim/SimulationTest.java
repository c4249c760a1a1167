package io.skiff.testkit.sim;

import io.skiff.NodeAddress;
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

    @Test
    void repairingEverythingResumesANodeThatCrashedWhilePaused() {
        final Simulation sim = Simulation.builder().seed(3).nodes(3).build();
        sim.start();
        final SkiffNode leader = sim.awaitLeader(Duration.ofSeconds(5));
        final NodeAddress follower = sim.addresses().stream().filter(a -> !a.equals(leader.address())).findFirst()
            .orElseThrow();
        sim.pause(follower);
        sim.crash(follower);
        sim.repairAll();
        assertThat(sim.machine(follower).isUp()).isTrue();
        assertThat(sim.machine(follower).isPaused()).isFalse();
        sim.await(leader.levelup().put("k", "v"), Duration.ofSeconds(5));
        final SkiffNode restarted = sim.node(follower).orElseThrow();
        assertThat(sim.runUntil(() -> restarted.stats().appliedIndex() >= leader.stats().commitIndex(),
            Duration.ofSeconds(5))).as("the repaired node applies what the leader commits").isTrue();
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
