package io.skiff.testkit.sim;

import io.skiff.NodeAddress;
import io.skiff.SkiffEvent;
import io.skiff.SkiffNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reported from the UDP cluster tests: a follower whose loop stalled past its election timeout (a slow fsync, a
 * storage pause) fired its election timer before reading the heartbeats that waited for it, and flapped its
 * leader. It must read them first.
 */
class StalledFollowerTest {
    @Test
    void aFollowerWhoseLoopStalledReadsTheWaitingHeartbeatsBeforeItsTimerFires() {
        final Simulation sim = Simulation.builder().seed(41).nodes(3).build();
        sim.start();
        final SkiffNode leader = sim.awaitLeader(Duration.ofSeconds(5));
        final NodeAddress follower = sim.addresses().stream().filter(a -> !a.equals(leader.address())).findFirst()
            .orElseThrow();
        sim.await(leader.levelup().put("settle", "1"), Duration.ofSeconds(5));
        sim.runFor(Duration.ofMillis(300));
        final List<SkiffEvent> events = new ArrayList<>();
        sim.node(follower).orElseThrow().on(SkiffEvent.ElectionTimeout.class, events::add);
        sim.node(follower).orElseThrow().on(SkiffEvent.LeaderChanged.class, events::add);
        sim.disk(follower, DiskFaults.HEALTHY.withSyncLatency(Duration.ofSeconds(1).toNanos()));
        sim.await(leader.levelup().put("k", "v"), Duration.ofSeconds(5));
        sim.runFor(Duration.ofMillis(50));
        sim.disk(follower, DiskFaults.HEALTHY);
        sim.runFor(Duration.ofSeconds(3));
        assertThat(events).as(String.join("\n", sim.log())).isEmpty();
        assertThat(sim.awaitLeader(Duration.ofSeconds(1))).isSameAs(leader);
    }
}
