package io.skiff.testkit.sim;

import io.skiff.NodeAddress;
import io.skiff.SkiffNode;
import io.skiff.SkiffTimeoutException;
import io.skiff.core.raft.DeliberateBug;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Leadership transfers through the public API racing client writes, in virtual time. */
class LeadershipTransferTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    /**
     * A leader stops taking proposals while it hands over (thesis §3.10). A write made then must not be taken for an
     * entry of the leader's log: when the transfer times out and the node keeps leading, the write is retried and
     * completes.
     */
    @Test
    void aWriteMadeWhileATransferIsPendingCompletesWhenTheTransferTimesOut() {
        writeDuringATransferThatTimesOut(Simulation.builder().seed(41).nodes(3).build());
    }

    @Test
    void aProposalDroppedSilentlyDuringATransferIsCaught() {
        assertThatThrownBy(() -> writeDuringATransferThatTimesOut(Simulation.builder().seed(41).nodes(3)
            .deliberateBug(DeliberateBug.PROPOSAL_DROPPED_SILENTLY).build()))
            .hasMessageContaining("not completed").hasMessageContaining("seed 41");
    }

    private static void writeDuringATransferThatTimesOut(Simulation sim) {
        sim.start();
        final SkiffNode leader = sim.awaitLeader(WAIT);
        sim.await(leader.levelup().put("before", "1"), WAIT);
        final NodeAddress target = sim.addresses().stream().filter(a -> !a.equals(leader.address())).findFirst()
            .orElseThrow();
        sim.network().isolate(target);
        final CompletableFuture<Void> transfer = leader.transferLeadership(target.toString());
        sim.runFor(Duration.ofMillis(1));

        final CompletableFuture<Void> write = leader.levelup().put("during", "2");

        sim.runUntil(transfer::isDone, WAIT);
        assertThatThrownBy(transfer::join).isInstanceOf(CompletionException.class)
            .hasCauseInstanceOf(SkiffTimeoutException.class);
        assertThat(sim.awaitLeader(WAIT)).isSameAs(leader);
        sim.await(write, WAIT);
        assertThat(sim.await(leader.levelup().get("during"), WAIT)).isEqualTo(Optional.of("2"));
    }
}
