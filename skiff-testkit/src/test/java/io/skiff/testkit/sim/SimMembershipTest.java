package io.skiff.testkit.sim;

import io.skiff.KeyValue;
import io.skiff.NodeAddress;
import io.skiff.NodeState;
import io.skiff.PeerInfo;
import io.skiff.RangeOptions;
import io.skiff.ReadConsistency;
import io.skiff.SkiffEvent;
import io.skiff.SkiffException;
import io.skiff.SkiffNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Membership changes through the public API, in virtual time, with every Raft invariant checked throughout. */
class SimMembershipTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private static List<NodeAddress> voters(Simulation sim) {
        final SkiffNode leader = sim.awaitLeader(WAIT);
        final List<NodeAddress> voters = new ArrayList<>();
        for (PeerInfo peer : sim.await(leader.peers(), WAIT)) {
            if (peer.state() != NodeState.LEARNER) {
                voters.add(peer.address());
            }
        }
        return voters;
    }

    private static void write(Simulation sim, String prefix, int count) {
        final SkiffNode leader = sim.awaitLeader(WAIT);
        final List<CompletableFuture<Void>> writes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            writes.add(leader.levelup().put(prefix + i, "v"));
        }
        sim.await(CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)), WAIT);
    }

    @Test
    void theClusterGrowsFromThreeToFiveAndShrinksBackWhileClientsWrite() {
        final Simulation sim = Simulation.builder().seed(31).nodes(3).spares(2).build();
        sim.start();
        write(sim, "before", 50);
        final List<SkiffEvent.Joined> joined = new ArrayList<>();
        sim.awaitLeader(WAIT).on(SkiffEvent.Joined.class, joined::add);
        for (NodeAddress spare : sim.spares()) {
            final CompletableFuture<Void> join = sim.join(spare);
            write(sim, "during-" + spare.host(), 20);
            sim.await(join, WAIT);
        }
        assertThat(voters(sim)).hasSize(5).containsAll(sim.spares());
        assertThat(joined).extracting(SkiffEvent.Joined::peer).containsExactlyElementsOf(sim.spares());
        // A node that joined later has all the data.
        final SkiffNode newcomer = sim.node(sim.spares().get(1)).orElseThrow();
        assertThat(sim.runUntil(() -> newcomer.stats().appliedIndex() >= sim.awaitLeader(WAIT).stats().commitIndex(),
            WAIT)).isTrue();
        assertThat(sim.await(newcomer.levelup().range(RangeOptions.all().consistency(ReadConsistency.LOCAL)), WAIT))
            .hasSize(90);
        for (NodeAddress spare : sim.spares()) {
            sim.await(sim.leave(spare), WAIT);
        }
        assertThat(voters(sim)).hasSize(3).doesNotContainAnyElementsOf(sim.spares());
        write(sim, "after", 10);
    }

    @Test
    void aFailedNodeIsReplaced() {
        final Simulation sim = Simulation.builder().seed(32).nodes(3).spares(1).build();
        sim.start();
        write(sim, "a", 20);
        final SkiffNode leader = sim.awaitLeader(WAIT);
        final NodeAddress failed = sim.addresses().stream().filter(a -> !a.equals(leader.address())
            && !sim.spares().contains(a)).findFirst().orElseThrow();
        sim.crash(failed);
        sim.await(sim.leave(failed), WAIT);
        sim.await(sim.join(sim.spares().get(0)), WAIT);
        assertThat(voters(sim)).hasSize(3).doesNotContain(failed).contains(sim.spares().get(0));
        write(sim, "b", 20);
    }

    /**
     * Thesis §4.1: while a member was cut off, every other member was replaced. It knows only peers that are gone,
     * so it must follow, and vote for, members it has never heard of.
     */
    @Test
    void aMemberCutOffWhileEveryOtherMemberWasReplacedCatchesUpAndStillVotes() {
        final Simulation sim = Simulation.builder().seed(37).nodes(3).spares(2).build();
        sim.start();
        write(sim, "before", 10);
        final SkiffNode first = sim.awaitLeader(WAIT);
        final NodeAddress lagging = sim.addresses().stream().filter(a -> !a.equals(first.address())
            && !sim.spares().contains(a)).findFirst().orElseThrow();
        sim.network().isolate(lagging);
        for (NodeAddress spare : sim.spares()) {
            sim.await(sim.join(spare), WAIT);
        }
        final List<NodeAddress> old = new ArrayList<>(sim.addresses());
        old.removeAll(sim.spares());
        old.remove(lagging);
        // The first leader leaves last, so that it makes every change but its own removal.
        old.sort((a, b) -> Boolean.compare(a.equals(first.address()), b.equals(first.address())));
        for (NodeAddress leaving : old) {
            sim.await(sim.leave(leaving), WAIT);
            sim.awaitLeader(WAIT);
        }
        old.forEach(sim::crash);
        write(sim, "while-away", 10);

        sim.network().heal();

        final SkiffNode caughtUp = sim.node(lagging).orElseThrow();
        assertThat(sim.runUntil(() -> caughtUp.stats().appliedIndex() >= sim.awaitLeader(WAIT).stats().commitIndex(),
            WAIT)).isTrue();
        assertThat(sim.await(caughtUp.levelup().range(RangeOptions.all().consistency(ReadConsistency.LOCAL)), WAIT))
            .hasSize(20);
        assertThat(voters(sim)).containsExactlyInAnyOrder(lagging, sim.spares().get(0), sim.spares().get(1));
        // Its vote counts: without the leader, the two members left need each other.
        sim.crash(sim.awaitLeader(WAIT).address());
        write(sim, "after", 5);
        assertThat(caughtUp.stats().counter("framesUnknownSender")).isZero();
    }

    @Test
    void theLeaderRemovesItselfAndAnotherNodeTakesOver() {
        final Simulation sim = Simulation.builder().seed(33).nodes(3).build();
        sim.start();
        write(sim, "x", 10);
        final SkiffNode leader = sim.awaitLeader(WAIT);
        sim.await(leader.leave(leader.address().toString()), WAIT);
        assertThat(sim.runUntil(() -> sim.leader().filter(l -> !l.address().equals(leader.address())).isPresent(),
            WAIT)).isTrue();
        final SkiffNode next = sim.awaitLeader(WAIT);
        assertThat(voters(sim)).hasSize(2).doesNotContain(leader.address());
        sim.runFor(Duration.ofSeconds(5));
        assertThat(leader.state()).as("a removed node does not campaign").isNotIn(NodeState.LEADER,
            NodeState.CANDIDATE);
        assertThat(sim.awaitLeader(WAIT)).isSameAs(next);
        write(sim, "y", 10);
    }

    @Test
    void leadershipMovesToTheChosenNode() {
        final Simulation sim = Simulation.builder().seed(34).nodes(3).build();
        sim.start();
        write(sim, "t", 10);
        final SkiffNode leader = sim.awaitLeader(WAIT);
        for (NodeAddress target : sim.addresses()) {
            sim.await(sim.awaitLeader(WAIT).transferLeadership(target.toString()), WAIT);
            assertThat(sim.awaitLeader(WAIT).address()).isEqualTo(target);
            write(sim, "after-" + target.host(), 5);
        }
        assertThat(leader.term()).isGreaterThan(1);
    }

    @Test
    void aSecondChangeRequestedDuringOneIsRefused() {
        final Simulation sim = Simulation.builder().seed(35).nodes(3).spares(2).build();
        sim.start();
        write(sim, "c", 5);
        sim.network().isolate(sim.spares().get(0));
        final CompletableFuture<Void> first = sim.join(sim.spares().get(0));
        sim.runFor(Duration.ofMillis(100));
        final CompletableFuture<Void> second = sim.join(sim.spares().get(1));
        sim.runUntil(second::isDone, WAIT);
        assertThatThrownBy(second::join).isInstanceOf(CompletionException.class)
            .hasCauseInstanceOf(SkiffException.class).hasMessageContaining("one change at a time");
        sim.network().heal();
        sim.await(first, WAIT);
        assertThat(voters(sim)).hasSize(4);
    }

    @Test
    void aRestartedClusterUsesThePersistedConfigurationNotItsPeersOption() {
        final Simulation sim = Simulation.builder().seed(36).nodes(3).spares(1).build();
        sim.start();
        write(sim, "p", 10);
        sim.await(sim.join(sim.spares().get(0)), WAIT);
        for (NodeAddress address : sim.addresses()) {
            sim.crash(address);
        }
        for (NodeAddress address : sim.addresses()) {
            sim.restart(address);
        }
        assertThat(voters(sim)).hasSize(4).contains(sim.spares().get(0));
        final List<KeyValue> data = sim.await(sim.awaitLeader(WAIT).levelup().range(RangeOptions.all()), WAIT);
        assertThat(data).hasSize(10);
    }
}
