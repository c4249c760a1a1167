package io.skiff.testkit.sim;

import io.skiff.KeyValue;
import io.skiff.NodeAddress;
import io.skiff.ReadConsistency;
import io.skiff.RangeOptions;
import io.skiff.SkiffNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

class SnapshotCatchUpTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void aFollowerThatFellBehindTheCompactedLogCatchesUpFromASnapshot() {
        final Simulation sim = Simulation.builder().seed(3).nodes(3)
            .options(o -> o.snapshotInterval(50).minLogRetention(10).installSnapshotChunkSize(4)).build();
        sim.start();
        final SkiffNode leader = sim.awaitLeader(WAIT);
        final NodeAddress behind = sim.addresses().stream().filter(a -> !a.equals(leader.address())).findFirst()
            .orElseThrow();
        sim.crash(behind);
        final List<CompletableFuture<Void>> writes = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            writes.add(leader.levelup().put("key-" + i, "value-" + i));
        }
        sim.await(CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)), WAIT);
        assertThat(leader.stats().firstIndex()).as("the leader compacted its log").isGreaterThan(300);
        sim.restart(behind);
        final SkiffNode follower = sim.node(behind).orElseThrow();
        assertThat(sim.runUntil(() -> follower.stats().appliedIndex() >= leader.stats().commitIndex(), WAIT))
            .isTrue();
        assertThat(follower.stats().counter("snapshotsInstalled")).isPositive();
        final List<KeyValue> onLeader = sim.await(leader.levelup().range(RangeOptions.all()), WAIT);
        final List<KeyValue> onFollower = sim.await(follower.levelup().range(RangeOptions.all()
            .consistency(ReadConsistency.LOCAL)), WAIT);
        assertThat(onFollower).hasSize(400).isEqualTo(onLeader);
    }

    /**
     * A new leader knows nothing of a follower whose log ends before the leader's compacted prefix: the follower's
     * conflict hint points below what the leader holds, and the leader must answer with a snapshot rather than
     * probe its compaction boundary forever.
     */
    @Test
    void aNewLeaderSendsASnapshotToAFollowerBehindItsCompactedLog() {
        final Simulation sim = Simulation.builder().seed(5).nodes(5)
            .options(o -> o.snapshotInterval(50).minLogRetention(10)).build();
        sim.start();
        final SkiffNode first = sim.awaitLeader(WAIT);
        for (int i = 0; i < 30; i++) {
            sim.await(first.levelup().put("early" + i, "v"), WAIT);
        }
        final NodeAddress behind = sim.addresses().stream().filter(a -> !a.equals(first.address())).findFirst()
            .orElseThrow();
        sim.runFor(Duration.ofMillis(200));
        sim.crash(behind);
        for (int i = 0; i < 300; i++) {
            sim.await(first.levelup().put("late" + i, "v"), WAIT);
        }
        sim.crash(first.address());
        final SkiffNode second = sim.awaitLeader(WAIT);
        sim.await(second.levelup().put("after", "leader change"), WAIT);
        sim.restart(behind);
        final SkiffNode follower = sim.node(behind).orElseThrow();
        assertThat(sim.runUntil(() -> follower.stats().appliedIndex() >= second.stats().commitIndex(), WAIT))
            .as("the follower catches up: %s", follower.stats()).isTrue();
        assertThat(follower.stats().counter("snapshotsInstalled")).isPositive();
    }

    @Test
    void aRestartedNodeRecoversFromItsSnapshotAndTheLogAfterIt() {
        final Simulation sim = Simulation.builder().seed(4).nodes(3)
            .options(o -> o.snapshotInterval(50).minLogRetention(10)).build();
        sim.start();
        final SkiffNode leader = sim.awaitLeader(WAIT);
        for (int i = 0; i < 175; i++) {
            sim.await(leader.levelup().put("k" + i, "v" + i), WAIT);
        }
        for (NodeAddress address : sim.addresses()) {
            sim.crash(address);
        }
        for (NodeAddress address : sim.addresses()) {
            sim.restart(address);
        }
        final SkiffNode next = sim.awaitLeader(WAIT);
        assertThat(sim.await(next.levelup().range(RangeOptions.all().keys(true).values(false)), WAIT)).hasSize(175);
        assertThat(next.stats().firstIndex()).isGreaterThan(100);
    }
}
