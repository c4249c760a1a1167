package io.skiff.testkit.sim;

import io.skiff.NodeAddress;
import io.skiff.ReadConsistency;
import io.skiff.SkiffException;
import io.skiff.SkiffNode;
import io.skiff.core.raft.DeliberateBug;
import io.skiff.testkit.check.History;
import io.skiff.testkit.check.LinearizabilityChecker;
import io.skiff.testkit.check.Operation;
import io.skiff.testkit.check.Outcome;
import io.skiff.testkit.check.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.LongFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A deposed leader never serves a stale {@link ReadConsistency#LEASE} read: scenarios in which a new leader commits
 * a write while the old one still believes it leads (paused, its clock set back, or having handed over), each
 * followed by a lease read on the old leader, with the history checked for linearizability. Each scenario is also
 * run with the deliberate bug it guards against, which the checker must catch (the seed is in the message).
 */
class LeaseReadSimulationTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    @Test
    void leaseReadsOnTheLeaderNeedNoHeartbeatRoundAndSeeEveryAcknowledgedWrite() {
        final Simulation sim = Simulation.builder().seed(1).nodes(3).build();
        sim.start();
        final SkiffNode leader = sim.awaitLeader(WAIT);
        sim.await(leader.levelup().put("k", "v1"), WAIT);
        sim.runFor(Duration.ofMillis(100));
        final long rounds = leader.stats().counter("readRounds");
        for (int i = 2; i <= 20; i++) {
            sim.await(leader.levelup().put("k", "v" + i), WAIT);
            assertThat(sim.await(leader.levelup().get("k", ReadConsistency.LEASE), WAIT)).contains("v" + i);
        }
        assertThat(leader.stats().counter("readRounds")).isEqualTo(rounds);
        for (SkiffNode node : sim.runningNodes()) {
            // On a follower a lease read is a linearizable read through the leader.
            assertThat(sim.await(node.levelup().get("k", ReadConsistency.LEASE), WAIT)).contains("v20");
        }
    }

    /**
     * The leader is paused just after sending a heartbeat round; the answers wait in its inbox while the others
     * elect a new leader that commits a write. Resumed, the old leader reads the answers: counted from when they
     * arrived, its lease would look fresh.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void aLeaderPausedWithAnswersInItsInboxServesNoStaleLeaseRead(long seed) {
        assertLinearizable(pausedLeader(Simulation.builder().seed(seed)));
    }

    @Test
    void aLeaseCountedFromReceiptIsCaught() {
        assertCaught(seed -> pausedLeader(Simulation.builder().seed(seed)
            .deliberateBug(DeliberateBug.LEASE_FROM_RECEIPT)));
    }

    /** The leader hands over to another node, which commits a write the old leader is cut off from. */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void aLeaderThatHandedOverServesNoStaleLeaseRead(long seed) {
        assertLinearizable(handedOver(Simulation.builder().seed(seed)));
    }

    @Test
    void aLeaseThatSurvivesSteppingDownIsCaught() {
        assertCaught(seed -> handedOver(Simulation.builder().seed(seed)
            .deliberateBug(DeliberateBug.LEASE_SURVIVES_STEP_DOWN)));
    }

    /**
     * The leader's clock is set back by a second and it is cut off: its own time stands still, so it still
     * believes it leads (check-quorum has not come due) while the others elect a new leader and commit a write.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void aLeaderWhoseClockIsSetBackServesNoStaleLeaseRead(long seed) {
        final Simulation sim = Simulation.builder().seed(seed).build();
        final Scenario scenario = new Scenario(sim);
        final SkiffNode old = scenario.begin();
        sim.jumpClock(old.address(), Duration.ofMillis(-1000));
        sim.network().isolate(old.address());
        scenario.writeThroughNewLeader(old.address());
        assertThat(old.state()).as("the old leader still believes it leads").isEqualTo(io.skiff.NodeState.LEADER);
        scenario.leaseReadOn(old);
        assertLinearizable(scenario);
    }

    private static Scenario pausedLeader(Simulation.Builder builder) {
        final Simulation sim = builder.build();
        final Scenario scenario = new Scenario(sim);
        final SkiffNode old = scenario.begin();
        // The followers' answers take 100 ms to reach the leader. It is paused; the answers in flight arrive and
        // wait in its inbox; then it is cut off.
        for (NodeAddress follower : sim.addresses()) {
            if (!follower.equals(old.address())) {
                sim.network().faults(follower, old.address(), LinkFaults.HEALTHY.withDelay(100_000_000, 100_000_000));
            }
        }
        sim.runFor(Duration.ofMillis(300));
        sim.pause(old.address());
        sim.runFor(Duration.ofMillis(110));
        sim.network().isolate(old.address());
        scenario.writeThroughNewLeader(old.address());
        sim.resume(old.address());
        scenario.leaseReadOn(old);
        return scenario;
    }

    private static Scenario handedOver(Simulation.Builder builder) {
        final Simulation sim = builder.build();
        final Scenario scenario = new Scenario(sim);
        final SkiffNode old = scenario.begin();
        final NodeAddress target = sim.addresses().stream().filter(a -> !a.equals(old.address())).findFirst()
            .orElseThrow();
        sim.await(old.transferLeadership(target.toString()), WAIT);
        sim.network().isolate(old.address());
        scenario.writeThroughNewLeader(old.address());
        scenario.leaseReadOn(old);
        return scenario;
    }

    private static void assertLinearizable(Scenario scenario) {
        assertThat(scenario.result.isLinearizable()).as("%s", scenario.describe()).isTrue();
    }

    /** The checker must find the stale read on some seed; the report names it. */
    private static void assertCaught(LongFunction<Scenario> run) {
        for (long seed = 1; seed <= 3; seed++) {
            final Scenario scenario = run.apply(seed);
            if (!scenario.result.isLinearizable()) {
                assertThat(scenario.describe()).startsWith("seed " + seed + ": ").contains("old");
                System.out.println("caught: " + scenario.describe().lines().findFirst().orElseThrow());
                return;
            }
        }
        throw new AssertionError("no seed in 1..3 caught the deliberate bug");
    }

    /** One client's calls on one key, recorded for the linearizability checker. */
    private static final class Scenario {
        private final Simulation sim;
        private final History history = new History();
        private Result result;

        Scenario(Simulation sim) {
            this.sim = sim;
        }

        /** Starts the cluster and writes a first value through the leader, which then holds a lease. */
        SkiffNode begin() {
            sim.start();
            final SkiffNode leader = sim.awaitLeader(WAIT);
            write(leader, "old");
            assertThat(sim.await(leader.levelup().get("k", ReadConsistency.LEASE), WAIT)).contains("old");
            return leader;
        }

        void writeThroughNewLeader(NodeAddress old) {
            assertThat(sim.runUntil(() -> sim.leader().filter(l -> !l.address().equals(old)).isPresent(), WAIT))
                .as("the others elect a new leader (seed " + sim.seed() + ")").isTrue();
            write(sim.leader().orElseThrow(), "new");
        }

        private void write(SkiffNode node, String value) {
            final long call = history.invoke(0, Operation.put("k", value), sim.nowNs());
            sim.await(node.levelup().put("k", value), WAIT);
            history.complete(call, Outcome.ok(), sim.nowNs());
        }

        /** Reads with a lease on the old leader, lets the run go on until the read ends, and checks the history. */
        void leaseReadOn(SkiffNode old) {
            final long call = history.invoke(1, Operation.get("k"), sim.nowNs());
            final CompletableFuture<Optional<String>> read = old.levelup().get("k", ReadConsistency.LEASE);
            sim.runUntil(read::isDone, Duration.ofSeconds(10));
            Outcome outcome = Outcome.unknown();
            if (read.isDone()) {
                try {
                    outcome = Outcome.ok(read.join().orElse(null));
                } catch (CompletionException e) {
                    outcome = e.getCause() instanceof SkiffException s && s.outcomeUnknown() ? Outcome.unknown()
                        : Outcome.fail();
                }
            }
            history.complete(call, outcome, sim.nowNs());
            result = LinearizabilityChecker.check(history);
        }

        String describe() {
            return "seed " + sim.seed() + ": " + result + " " + history.calls() + "\n" + String.join("\n", sim.log());
        }
    }
}
