package io.skiff.testkit;

import io.skiff.NodeState;
import io.skiff.NotLeaderException;
import io.skiff.ReadConsistency;
import io.skiff.SkiffException;
import io.skiff.SkiffNode;
import io.skiff.SkiffOptions;
import io.skiff.SkiffTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The spec's log replication and remote command scenarios: commands on the leader and on followers, commands
 * issued while there is no leader, and commands that cannot reach a majority.
 */
class RemoteCommandTest {
    private static final int MAX_RETRIES = 3;
    private static final Duration RETRY_TIMEOUT = Duration.ofMillis(100);
    /** How long a command that cannot be applied may take to fail: its retries, a step-down, and scheduling slack. */
    private static final Duration FAILURE_BOUND = RETRY_TIMEOUT.multipliedBy(MAX_RETRIES + 1)
        .plus(TestCluster.ELECTION_TIMEOUT_MAX.multipliedBy(2)).plusSeconds(1);

    private TestCluster cluster;

    @AfterEach
    void stopCluster() {
        if (null != cluster) {
            cluster.close();
        }
    }

    @Test
    void leaderAcceptsACommandAndEveryNodeAppliesIt() {
        cluster = TestCluster.started();
        final SkiffNode leader = cluster.awaitLeader();

        Await.result(leader.levelup().put("k", "v"));

        assertThat(Await.result(leader.levelup().get("k", ReadConsistency.LOCAL))).contains("v");
        for (SkiffNode node : cluster.followersOf(leader)) {
            Await.until(node + " applied the write", () -> Await.result(node.levelup().get("k",
                ReadConsistency.LOCAL)).isPresent());
        }
        assertThat(leader.stats().counter("commandsProposed")).isEqualTo(1);
    }

    @Test
    void followerForwardsACommandAndReadsItsOwnWrite() {
        cluster = TestCluster.started();
        final SkiffNode leader = cluster.awaitLeader();
        final SkiffNode follower = cluster.followersOf(leader).get(0);

        Await.result(follower.levelup().put("mine", "written-on-a-follower"));

        assertThat(Await.result(follower.levelup().get("mine", ReadConsistency.LOCAL)))
            .as("the follower applied its own write before acknowledging it").contains("written-on-a-follower");
        assertThat(Await.result(follower.levelup().get("mine"))).contains("written-on-a-follower");
        assertThat(Await.result(leader.levelup().get("mine"))).contains("written-on-a-follower");
        assertThat(follower.stats().counter("commandsForwarded")).isPositive();
        assertThat(follower.stats().counter("commandsProposed")).isZero();
    }

    @Test
    void manyConcurrentCommandsFromEveryNodeAreAllApplied() {
        cluster = TestCluster.started();
        cluster.awaitLeader();
        final CompletableFuture<?>[] writes = new CompletableFuture<?>[300];
        for (int i = 0; i < writes.length; i++) {
            final SkiffNode node = cluster.nodes().get(i % 3);
            writes[i] = node.levelup().put(String.format("k%03d", i), node.address().host());
        }

        Await.result(CompletableFuture.allOf(writes));

        for (SkiffNode node : cluster.nodes()) {
            assertThat(Await.result(node.levelup().range())).as("entries read on %s", node).hasSize(300);
        }
    }

    @Test
    void commandIssuedWhileTheLeaderIsDownWaitsForTheNextLeader() {
        cluster = TestCluster.started();
        final SkiffNode leader = cluster.awaitLeader();
        final long oldTerm = leader.term();
        final SkiffNode follower = cluster.followersOf(leader).get(0);
        cluster.stop(leader);

        final CompletableFuture<Void> write = follower.levelup().put("during", "election");
        Await.result(write);

        final SkiffNode next = cluster.awaitLeader();
        assertThat(next.term()).isGreaterThan(oldTerm);
        for (SkiffNode node : cluster.running()) {
            assertThat(Await.result(node.levelup().get("during"))).as("read on %s", node).contains("election");
        }
    }

    @Test
    void commandIssuedOnAPreCandidateWaitsForTheLeader() {
        cluster = TestCluster.started();
        final SkiffNode leader = cluster.awaitLeader();
        final SkiffNode follower = cluster.followersOf(leader).get(0);
        cluster.network().isolate(follower.address().toString());
        Await.until(follower + " lost its leader", () -> follower.leader().isEmpty());

        final CompletableFuture<Void> write = follower.levelup().put("patient", "yes");
        cluster.network().heal();

        Await.result(write);
        assertThat(Await.result(leader.levelup().get("patient"))).contains("yes");
    }

    @Test
    void isolatedFollowerWithoutALeaderFailsCommandsAsNotLeaderWithoutSendingThem() {
        cluster = TestCluster.create(this::fewRetries).startAll();
        final SkiffNode leader = cluster.awaitLeader();
        final SkiffNode follower = cluster.followersOf(leader).get(0);
        cluster.network().isolate(follower.address().toString());
        Await.until(follower + " lost its leader", () -> follower.leader().isEmpty());

        final long startNs = System.nanoTime();
        final Throwable failure = Await.failure(follower.levelup().put("never", "sent"));
        final Duration took = Duration.ofNanos(System.nanoTime() - startNs);

        assertThat(failure).isInstanceOf(NotLeaderException.class);
        assertThat(((SkiffException)failure).outcomeUnknown()).as("outcome of a command never sent").isFalse();
        assertThat(((NotLeaderException)failure).leader()).isEmpty();
        assertThat(took).as("time to fail").isGreaterThanOrEqualTo(RETRY_TIMEOUT.multipliedBy(MAX_RETRIES - 1))
            .isLessThan(FAILURE_BOUND);
    }

    @Test
    void isolatedFollowerThatForwardedACommandFailsItWithOutcomeUnknown() {
        cluster = TestCluster.create(this::fewRetries).startAll();
        final SkiffNode leader = cluster.awaitLeader();
        final SkiffNode follower = cluster.followersOf(leader).get(0);
        cluster.network().isolate(follower.address().toString());

        final long startNs = System.nanoTime();
        final Throwable failure = Await.failure(follower.levelup().put("lost", "in-transit"));
        final Duration took = Duration.ofNanos(System.nanoTime() - startNs);

        assertThat(failure).isInstanceOf(SkiffTimeoutException.class);
        assertThat(((SkiffException)failure).outcomeUnknown()).as("outcome of a forwarded command").isTrue();
        assertThat(took).as("time to fail").isLessThan(FAILURE_BOUND);
        assertThat(follower.stats().counter("commandsForwarded")).isPositive();
        assertThat(Await.result(leader.levelup().get("lost"))).as("the dropped command on the leader").isEmpty();
    }

    @Test
    void isolatedLeaderStepsDownAndFailsItsCommandWithOutcomeUnknown() {
        cluster = TestCluster.create(this::fewRetries).startAll();
        final SkiffNode leader = cluster.awaitLeader();
        cluster.network().isolate(leader.address().toString());

        final long startNs = System.nanoTime();
        final Throwable failure = Await.failure(leader.levelup().put("uncommitted", "x"));
        final Duration took = Duration.ofNanos(System.nanoTime() - startNs);

        assertThat(failure).isInstanceOf(SkiffTimeoutException.class);
        assertThat(((SkiffException)failure).outcomeUnknown()).as("outcome of a proposed command").isTrue();
        assertThat(took).as("time to fail").isLessThan(FAILURE_BOUND);
        assertThat(leader.state()).isNotEqualTo(NodeState.LEADER);
        final SkiffNode next = TestCluster.awaitLeaderAmong(cluster.followersOf(leader));
        cluster.network().heal();
        assertThat(Await.result(next.levelup().get("uncommitted"))).as("the deposed leader's entry").isEmpty();
        Await.until("the old leader follows " + next, () -> leader.leader().equals(next.leader()));
        assertThat(Await.result(leader.levelup().get("uncommitted"))).isEmpty();
    }

    private SkiffOptions.Builder fewRetries(SkiffOptions.Builder options) {
        return options.clientMaxRetries(MAX_RETRIES).clientRetryRpcTimeout(RETRY_TIMEOUT);
    }
}
