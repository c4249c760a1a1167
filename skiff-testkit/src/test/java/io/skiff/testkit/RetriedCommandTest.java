package io.skiff.testkit;

import io.skiff.ReadConsistency;
import io.skiff.SkiffNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A command that a follower retries after the leader already applied it is applied once: the state machine here
 * appends every command it applies to a tally, so a second apply would show.
 */
class RetriedCommandTest {
    private TestCluster cluster;

    @AfterEach
    void stopCluster() {
        if (null != cluster) {
            cluster.close();
        }
    }

    @Test
    void aCommandRetriedAfterTheLeaderAppliedItIsAppliedOnce() {
        cluster = TestCluster.create(options -> options.stateMachine(TallyStateMachine.provider())
            .clientRetryRpcTimeout(Duration.ofMillis(50)).clientMaxRetries(100)).startAll();
        final SkiffNode leader = cluster.awaitLeader();
        final SkiffNode follower = cluster.followersOf(leader).get(0);
        assertThat(TallyStateMachine.position(Await.result(follower.command(TallyStateMachine.command(7)))))
            .isZero();

        // The leader hears the follower's command but the follower never hears back, so it retries.
        cluster.network().block(leader.address().toString(), follower.address().toString());
        final CompletableFuture<byte[]> retried = follower.command(TallyStateMachine.command(8));
        Await.until("the leader deduplicated a retry", () -> leader.stats().counter("commandsDeduplicated") > 0);
        cluster.network().heal();

        assertThat(TallyStateMachine.position(Await.result(retried))).as("the answer of the first apply").isOne();
        assertThat(follower.stats().counter("commandsRetried")).isPositive();
        // Every copy of the retried command reached the leader's log before this one, so once a node has applied
        // this one it has seen them all.
        Await.result(leader.command(TallyStateMachine.command(9)));
        for (SkiffNode node : cluster.nodes()) {
            final List<Long> tally = Await.value("the tally on " + node + " up to the last command",
                () -> TallyStateMachine.tally(Await.result(node.query(new byte[0], ReadConsistency.LOCAL))),
                numbers -> numbers.contains(9L));
            assertThat(tally).as("tally on %s", node).containsExactly(7L, 8L, 9L);
        }
    }
}
