package io.skiff.testkit.sim;

import io.skiff.NodeAddress;
import io.skiff.NodeState;
import io.skiff.PeerInfo;
import io.skiff.SkiffEvent;
import io.skiff.core.raft.DeliberateBug;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Join mode ({@code SkiffOptions.join}). Nodes started to join while the founders hold their first election (issue 12, defect 4): four founders and two
 * joiners, started at once under a partition that puts one joiner with each pair of founders. A joiner that counted
 * itself a voter of the founders plus itself needed only the two founders beside it, and became leader of term 1 in
 * every seed; on both sides at once, two leaders of one term would be arithmetically possible.
 */
class JoinModeTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void aNodeStartedToJoinNeverLeadsBeforeTheClusterMakesItAVoter() {
        for (long seed = 1; seed <= 20; seed++) {
            final Simulation sim = Simulation.builder().seed(seed).nodes(4).spares(2).build();
            final List<String> joinersLeading = new ArrayList<>();
            final List<CompletableFuture<Void>> joins = startJoinersUnderAPartition(sim, joinersLeading);

            sim.runFor(Duration.ofSeconds(3));

            assertThat(joinersLeading).as("seed %d", seed).isEmpty();
            sim.network().heal();
            // Two joins asked at once: one is refused ("one change at a time") and is asked again after the other.
            sim.runUntil(() -> joins.stream().allMatch(CompletableFuture::isDone), WAIT);
            for (int i = 0; i < joins.size(); i++) {
                if (joins.get(i).isCompletedExceptionally()) {
                    sim.await(sim.join(sim.spares().get(i)), WAIT);
                }
            }
            final List<NodeAddress> voters = sim.await(sim.awaitLeader(WAIT).peers(), WAIT).stream()
                .filter(p -> p.state() != NodeState.LEARNER).map(PeerInfo::address).toList();
            assertThat(voters).as("seed %d", seed).containsExactlyInAnyOrderElementsOf(sim.addresses());
        }
    }

    @Test
    void aJoinerBootingAsAVoterIsCaughtByTheLeaderVoterInvariant() {
        final Simulation sim = Simulation.builder().seed(1).nodes(4).spares(2)
            .deliberateBug(DeliberateBug.JOINER_BOOTS_AS_VOTER).build();
        startJoinersUnderAPartition(sim, new ArrayList<>());
        assertThatThrownBy(() -> sim.runFor(Duration.ofSeconds(3))).isInstanceOf(InvariantViolation.class)
            .hasMessageContaining("only a voter of the leader's own configuration becomes leader");
    }

    private static List<CompletableFuture<Void>> startJoinersUnderAPartition(Simulation sim, List<String> leading) {
        sim.start();
        final List<CompletableFuture<Void>> joins = new ArrayList<>();
        for (NodeAddress joiner : sim.spares()) {
            joins.add(sim.join(joiner));
            sim.node(joiner).orElseThrow().on(SkiffEvent.BecameLeader.class,
                e -> leading.add(e.node() + " in term " + e.term()));
        }
        final List<NodeAddress> n = sim.addresses();
        sim.network().partition(List.of(n.get(0), n.get(1), n.get(4)), List.of(n.get(2), n.get(3), n.get(5)));
        return joins;
    }
}
