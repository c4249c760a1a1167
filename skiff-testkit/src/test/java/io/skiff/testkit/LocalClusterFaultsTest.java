package io.skiff.testkit;

import io.skiff.Batch;
import io.skiff.NodeState;
import io.skiff.NodeStats;
import io.skiff.SkiffEvent;
import io.skiff.SkiffException;
import io.skiff.SkiffNode;
import io.skiff.testkit.check.History;
import io.skiff.testkit.check.LinearizabilityChecker;
import io.skiff.testkit.check.Operation;
import io.skiff.testkit.check.Outcome;
import io.skiff.testkit.check.Result;
import io.skiff.testkit.sim.DiskFaults;
import io.skiff.testkit.sim.LinkFaults;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A real-time {@link LocalCluster} under network chaos and stop-the-world pauses: it still elects, serves writes and
 * stays linearizable, and a paused node does nothing until it resumes.
 */
class LocalClusterFaultsTest {
    /** 10% loss, 5% duplicates, 1-5 ms latency, 20% of frames held back up to 5 ms more. */
    private static final LinkFaults CHAOS = LinkFaults.NONE.withDrop(0.10).withDuplicate(0.05)
        .withDelay(TimeUnit.MILLISECONDS.toNanos(1), TimeUnit.MILLISECONDS.toNanos(5))
        .withReorder(0.20, TimeUnit.MILLISECONDS.toNanos(5));
    private static final Duration OPERATION_TIMEOUT = Duration.ofSeconds(1);

    @Test
    void aClusterUnderChaosElectsAndWritesAndServesNormallyAfterReset() {
        try (LocalCluster cluster = LocalCluster.start(3, options -> options.seed(11))) {
            cluster.network().faults(CHAOS);

            for (int i = 0; i < 20; i++) {
                writeEventually(cluster, "k" + i, "v" + i);
            }

            final InMemoryNetwork network = cluster.network();
            assertThat(network.seed()).isEqualTo(11);
            assertThat(network.droppedFrames()).as("dropped").isPositive();
            assertThat(network.duplicatedFrames()).as("duplicated").isPositive();
            assertThat(network.delayedFrames()).as("delayed").isPositive();
            assertThat(network.reorderedFrames()).as("reordered").isPositive();

            network.reset();
            final long dropped = network.droppedFrames();
            final long delayed = network.delayedFrames();
            final SkiffNode leader = cluster.awaitLeader(Await.TIMEOUT);
            Await.result(leader.levelup().put("after", "reset"));
            for (SkiffNode node : cluster.nodes()) {
                assertThat(Await.result(node.levelup().get("after"))).isEqualTo(Optional.of("reset"));
                assertThat(Await.result(node.levelup().get("k19"))).isEqualTo(Optional.of("v19"));
            }
            assertThat(network.droppedFrames()).isEqualTo(dropped);
            assertThat(network.delayedFrames()).isEqualTo(delayed);
        }
    }

    @Test
    void aConcurrentHistoryAgainstAChaoticClusterIsLinearizable() throws InterruptedException {
        final History history = new History();
        final AtomicInteger succeeded = new AtomicInteger();
        try (LocalCluster cluster = LocalCluster.start(3, options -> options.seed(12))) {
            cluster.network().faults(CHAOS);
            cluster.awaitLeader(Await.TIMEOUT);
            final long endNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            final List<Thread> clients = new ArrayList<>();
            for (int client = 0; client < 4; client++) {
                final int id = client;
                final Thread thread = new Thread(() -> runClient(cluster, history, id, endNs, succeeded),
                    "client-" + client);
                thread.start();
                clients.add(thread);
            }
            for (Thread client : clients) {
                client.join();
            }
        }

        final Result result = LinearizabilityChecker.check(history);

        assertThat(succeeded.get()).as("operations that succeeded").isGreaterThan(50);
        result.assertLinearizable();
    }

    @Test
    void aPausedFollowerDoesNothingWhileFramesWaitForItAndCatchesUpOnResume() {
        try (LocalCluster cluster = LocalCluster.start(3)) {
            final SkiffNode leader = cluster.awaitLeader(Await.TIMEOUT);
            final int follower = followerIndex(cluster, leader);
            final SkiffNode paused = cluster.node(follower);
            Await.result(leader.levelup().put("k", "before"));

            cluster.pause(follower);
            final NodeStats frozen = paused.stats();
            final long leaderSent = leader.stats().messagesSent();
            final CompletableFuture<Optional<String>> read = paused.levelup().get("k");
            Await.result(leader.levelup().put("k", "during"));
            Await.until("the leader sends more heartbeats to both followers",
                () -> leader.stats().messagesSent() > leaderSent + 20);

            assertThat(cluster.isPaused(follower)).isTrue();
            assertThat(read).isNotDone();
            assertThat(paused.stats().messagesReceived()).isEqualTo(frozen.messagesReceived());
            assertThat(paused.stats().messagesSent()).isEqualTo(frozen.messagesSent());
            assertThat(paused.stats().commitIndex()).isEqualTo(frozen.commitIndex());
            assertThat(cluster.network().droppedFrames()).isZero();

            cluster.resume(follower);

            assertThat(Await.result(read)).isEqualTo(Optional.of("during"));
            assertThat(cluster.isPaused(follower)).isFalse();
            assertThat(paused.stats().messagesReceived()).isGreaterThan(frozen.messagesReceived());
        }
    }

    @Test
    void aPausedLeaderIsReplacedWithoutNoticingAndStepsDownWhenItResumes() {
        try (LocalCluster cluster = LocalCluster.start(3)) {
            final SkiffNode old = cluster.awaitLeader(Await.TIMEOUT);
            final int oldIndex = cluster.nodes().indexOf(old) + 1;
            final long oldTerm = old.term();

            cluster.pause(oldIndex);
            final SkiffNode next = Await.value("a new leader", () -> cluster.nodes().stream()
                .filter(node -> node != old && node.state() == NodeState.LEADER).findFirst(), Optional::isPresent)
                .orElseThrow();
            Await.result(next.levelup().put("k", "new leader"));

            assertThat(next.term()).isGreaterThan(oldTerm);
            assertThat(old.state()).isEqualTo(NodeState.LEADER);
            assertThat(old.term()).isEqualTo(oldTerm);

            cluster.resume(oldIndex);

            Await.until("the old leader follows in the new term",
                () -> old.state() == NodeState.FOLLOWER && old.term() >= next.term());
            assertThat(Await.result(old.levelup().get("k"))).isEqualTo(Optional.of("new leader"));
        }
    }

    @Test
    void aPausedNodeCanCrashAndRestartUnpaused() {
        try (LocalCluster cluster = LocalCluster.start(3)) {
            final SkiffNode leader = cluster.awaitLeader(Await.TIMEOUT);
            final int follower = followerIndex(cluster, leader);
            cluster.pause(follower);

            cluster.crash(follower);
            assertThat(cluster.node(follower).state()).isEqualTo(NodeState.STOPPED);
            assertThatThrownBy(() -> cluster.pause(follower))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("expected it running");

            cluster.restart(follower);
            assertThat(cluster.isPaused(follower)).isFalse();
            Await.result(cluster.awaitLeader(Await.TIMEOUT).levelup().put("k", "v"));
            assertThat(Await.result(cluster.node(follower).levelup().get("k"))).isEqualTo(Optional.of("v"));
        }
    }

    @Test
    void closingAClusterWithAPausedNodeStopsEverything() {
        final LocalCluster cluster = LocalCluster.start(3);
        cluster.network().faults(CHAOS);
        final SkiffNode leader = cluster.awaitLeader(Await.TIMEOUT);
        cluster.pause(cluster.nodes().indexOf(leader) + 1);

        cluster.close();

        assertThat(cluster.nodes()).allSatisfy(node -> assertThat(node.state()).isEqualTo(NodeState.STOPPED));
        assertThat(cluster.network().isDelivering()).isFalse();
    }

    /**
     * With election timeouts of a minute or two nobody campaigns during the test, except the node whose clock jumps
     * past its timeout: it campaigns at its next duty cycle and wins. (A jump on a follower that still hears its
     * leader changes nothing: the heartbeat handled in the same cycle resets the timer.)
     */
    @Test
    void aNodeWhoseClockJumpsPastItsElectionTimeoutCampaignsAtOnceAndLeads() {
        try (LocalCluster cluster = LocalCluster.start(3, options -> options
            .electionTimeoutMin(Duration.ofSeconds(60)).electionTimeoutMax(Duration.ofSeconds(120)))) {
            assertThat(cluster.leader()).isEmpty();

            cluster.jumpClock(2, Duration.ofSeconds(180));

            final SkiffNode leader = cluster.awaitLeader(Await.TIMEOUT);
            assertThat(leader).isSameAs(cluster.node(2));
            assertThat(leader.term()).isEqualTo(1);
            Await.result(leader.levelup().put("k", "after the jump"));
            assertThatThrownBy(() -> cluster.jumpClock(1, Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("forward");
        }
    }

    @Test
    void aFollowerWhoseDiskFailsStopsAndTheOthersGoOnUntilItIsRestartedOnAHealthyDisk() {
        try (LocalCluster cluster = LocalCluster.start(3)) {
            final SkiffNode leader = cluster.awaitLeader(Await.TIMEOUT);
            final int follower = followerIndex(cluster, leader);
            Await.result(leader.levelup().put("k", "before"));
            final List<SkiffEvent.Warning> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
            cluster.node(follower).on(SkiffEvent.Warning.class, warnings::add);

            cluster.disk(follower, DiskFaults.HEALTHY.withFailingWrites(true));
            Await.result(leader.levelup().put("k", "during"));
            final long duringIndex = leader.stats().commitIndex();

            Await.until("the follower stops on its failed write",
                () -> cluster.node(follower).state() == NodeState.STOPPED);
            Await.until("the follower reports why", () -> !warnings.isEmpty());
            assertThat(warnings.get(0).cause()).isInstanceOf(io.skiff.StorageException.class);
            assertThat(warnings.get(0).message()).contains("rather than acknowledge");
            final io.skiff.PeerInfo failed = Await.result(leader.peers()).stream()
                .filter(peer -> peer.address().equals(cluster.node(follower).address())).findFirst().orElseThrow();
            assertThat(failed.matchIndex()).as("what the failed follower acknowledged").isLessThan(duringIndex);
            assertThatThrownBy(() -> Await.result(cluster.node(follower).levelup().put("k", "refused")))
                .hasMessageContaining("not running");
            Await.result(leader.levelup().put("k", "after"));
            cluster.disk(follower, DiskFaults.HEALTHY);
            cluster.restart(follower);
            Await.until("the restarted follower catches up", () -> cluster.node(follower).levelup().get("k",
                io.skiff.ReadConsistency.LOCAL).join().equals(Optional.of("after")));
        }
    }

    @Test
    void aSlowDiskOnTheLeaderSlowsItsWritesWithoutLosingAny() {
        try (LocalCluster cluster = LocalCluster.start(3)) {
            final SkiffNode leader = cluster.awaitLeader(Await.TIMEOUT);
            final int index = cluster.nodes().indexOf(leader) + 1;

            cluster.disk(index, DiskFaults.HEALTHY.withSyncLatency(TimeUnit.MILLISECONDS.toNanos(20)));
            final long startNs = System.nanoTime();
            Await.result(leader.levelup().put("k", "slow"));
            final long tookNs = System.nanoTime() - startNs;

            assertThat(tookNs).as("a put waits for the leader's 20 ms sync").isGreaterThanOrEqualTo(
                TimeUnit.MILLISECONDS.toNanos(20));
            assertThat(Await.result(leader.levelup().get("k"))).isEqualTo(Optional.of("slow"));
            assertThatThrownBy(() -> cluster.disk(index, DiskFaults.HEALTHY.withTornTail(true)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("simulation");
        }
    }

    private static int followerIndex(LocalCluster cluster, SkiffNode leader) {
        for (int i = 1; i <= cluster.nodes().size(); i++) {
            if (cluster.node(i) != leader) {
                return i;
            }
        }
        throw new AssertionError("expected a node other than the leader in " + cluster.nodes());
    }

    /** Writes through whichever node leads, retrying failures, until the write succeeds. */
    private static void writeEventually(LocalCluster cluster, String key, String value) {
        Await.until("a write of " + key + " succeeds", () -> {
            final Optional<SkiffNode> leader = cluster.leader();
            return leader.isPresent() && null != outcome(leader.get().levelup().put(key, value))
                && outcome(leader.get().levelup().get(key)) instanceof Optional<?> read
                && read.equals(Optional.of(value));
        });
    }

    /** @return the value, or null when the operation failed or took longer than the operation timeout. */
    private static Object outcome(CompletableFuture<?> future) {
        try {
            final Object value = future.get(OPERATION_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
            return null == value ? Boolean.TRUE : value;
        } catch (ExecutionException | TimeoutException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /**
     * One client: operations one at a time on random nodes, recorded with {@link System#nanoTime()}. Values are
     * unique, batches stay within groups of four keys, and an operation without an answer in time is unknown.
     */
    private static void runClient(LocalCluster cluster, History history, int client, long endNs,
        AtomicInteger succeeded) {
        final SplittableRandom random = new SplittableRandom(client);
        int written = 0;
        while (System.nanoTime() < endNs) {
            final SkiffNode node = cluster.node(1 + random.nextInt(cluster.nodes().size()));
            final String key = "k" + random.nextInt(8);
            final double dice = random.nextDouble();
            final Operation operation;
            final long callId;
            final CompletableFuture<?> future;
            if (dice < 0.45) {
                operation = Operation.get(key);
                callId = history.invoke(client, operation, System.nanoTime());
                future = node.levelup().get(key);
            } else if (dice < 0.60) {
                final int group = random.nextInt(2);
                final String first = "k" + (group * 4 + random.nextInt(4));
                final String second = "k" + (group * 4 + random.nextInt(4));
                final String value = "c" + client + "-" + (++written);
                operation = Operation.batch(Operation.put(first, value), Operation.del(second));
                callId = history.invoke(client, operation, System.nanoTime());
                future = node.levelup().batch(Batch.create().put(first, value).del(second));
            } else if (dice < 0.70) {
                operation = Operation.del(key);
                callId = history.invoke(client, operation, System.nanoTime());
                future = node.levelup().del(key);
            } else {
                final String value = "c" + client + "-" + (++written);
                operation = Operation.put(key, value);
                callId = history.invoke(client, operation, System.nanoTime());
                future = node.levelup().put(key, value);
            }
            history.complete(callId, await(future, operation, succeeded), System.nanoTime());
        }
    }

    private static Outcome await(CompletableFuture<?> future, Operation operation, AtomicInteger succeeded) {
        try {
            final Object value = future.get(OPERATION_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
            succeeded.incrementAndGet();
            if (operation.kind() == Operation.Kind.GET) {
                return Outcome.ok((String)((Optional<?>)value).orElse(null));
            }
            return Outcome.ok();
        } catch (ExecutionException e) {
            final boolean unknown = !(e.getCause() instanceof SkiffException skiff) || skiff.outcomeUnknown();
            return unknown ? Outcome.unknown() : Outcome.fail();
        } catch (TimeoutException e) {
            return Outcome.unknown();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.unknown();
        }
    }
}
