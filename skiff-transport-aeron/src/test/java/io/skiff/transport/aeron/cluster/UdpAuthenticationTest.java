package io.skiff.transport.aeron.cluster;

import io.skiff.NodeState;
import io.skiff.ReadConsistency;
import io.skiff.Skiff;
import io.skiff.SkiffEvent;
import io.skiff.SkiffNode;
import io.skiff.SkiffOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A cluster whose frames are authenticated with a shared key, over Aeron UDP: a fourth node that lists the
 * members as its peers cannot join or disturb it, whether it lacks the key or the cluster id (its frames are
 * dropped) or only membership (its Raft messages are handled, as thesis §4.1 requires, and get it nothing), and
 * keys rotate by restarting the nodes one at a time.
 */
class UdpAuthenticationTest {
    private static final String CLUSTER_ID = "udp-auth-test";
    private static final byte[] KEY = key("the cluster's shared secret");
    private static final byte[] OLD_KEY = key("the key being retired");
    private static final byte[] NEW_KEY = key("the key taking over");
    /** The attack lasts this many of the cluster's longest election timeouts. */
    private static final int ATTACK_ELECTION_TIMEOUTS = 5;
    /** Each member must have rejected (or, from a non-member, handled) this many of the intruder's frames at least. */
    private static final int MIN_REJECTED_FRAMES = 10;
    private static final long OPERATION_TIMEOUT_S = 15;

    /** Ways a fourth node can be wrong, with the counter under which the members drop its frames. */
    enum Intruder {
        WRONG_KEY("framesNotAuthentic", "failed authentication",
            options -> options.authenticationKeys(key("a key nobody shares"))),
        NO_KEY("framesNotAuthentic", "failed authentication", options -> options.authenticationKeys()),
        OTHER_CLUSTER_ID("framesWrongCluster", "another cluster", options -> options.clusterId("another-cluster"));

        final String counter;
        final String warning;
        final UnaryOperator<SkiffOptions.Builder> misconfigure;

        Intruder(String counter, String warning, UnaryOperator<SkiffOptions.Builder> misconfigure) {
            this.counter = counter;
            this.warning = warning;
            this.misconfigure = misconfigure;
        }
    }

    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void closeResources() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    @ParameterizedTest
    @EnumSource(Intruder.class)
    void anIntruderListingTheMembersCannotJoinOrDisturbTheCluster(Intruder kind) {
        final UdpCluster cluster = track(UdpCluster.start(3, authenticated(KEY).build()));
        final SkiffNode leader = cluster.awaitLeader();
        final long term = leader.term();
        final List<String> warnings = new CopyOnWriteArrayList<>();
        for (int i = 0; i < cluster.size(); i++) {
            cluster.node(i).on(SkiffEvent.Warning.class, warning -> warnings.add(warning.message()));
        }

        final Attack attack = attack(cluster, kind.misconfigure,
            () -> everyMember(cluster, member -> member.stats().counter(kind.counter) >= MIN_REJECTED_FRAMES));

        assertThatTheAttackChangedNothing(cluster, leader, term, attack);
        for (int i = 0; i < cluster.size(); i++) {
            final SkiffNode member = cluster.node(i);
            assertThat(member.stats().counter(kind.counter)).as("%s at %s", kind.counter, member.address())
                .isGreaterThanOrEqualTo(MIN_REJECTED_FRAMES);
        }
        final long rejectionWarnings = warnings.stream().filter(message -> message.contains(kind.warning)).count();
        assertThat(rejectionWarnings).as("warnings about rejected frames, at most one a second per member")
            .isPositive()
            .isLessThanOrEqualTo(cluster.size() * ((long)Math.ceil(attack.seconds()) + 1))
            .isLessThan(cluster.counterSum(kind.counter));
    }

    /**
     * A node with the key and the cluster id that is no member is a stranger: its RequestVotes are handled, not
     * dropped (a member whose log is behind must vote for members it does not know yet), but its log is empty, so
     * they are ignored without taking up its ever higher terms.
     */
    @Test
    void aNonMemberWithTheKeyCampaigningHardCannotDisturbTheCluster() {
        final UdpCluster cluster = track(UdpCluster.start(3, authenticated(KEY).build()));
        final SkiffNode leader = cluster.awaitLeader();
        final long term = leader.term();

        final Attack attack = attack(cluster, UnaryOperator.identity(), () -> everyMember(cluster,
            member -> member.stats().rpcsReceived().getOrDefault("RequestVote", 0L) >= MIN_REJECTED_FRAMES));

        assertThatTheAttackChangedNothing(cluster, leader, term, attack);
        for (int i = 0; i < cluster.size(); i++) {
            assertThat(cluster.node(i).stats().counter("framesUnknownSender")).as("dropped at %s", cluster.address(i))
                .isZero();
        }
    }

    /** What an attack did: the intruding node, the states it went through, and the writes made meanwhile. */
    private record Attack(SkiffNode intruder, List<NodeState> intruderStates, int written, double seconds) {
    }

    /**
     * Starts a fourth node that lists the members as its peers and campaigns as hard as it can (short timeouts and
     * no pre-vote, so every timeout raises its term), and writes through the members while it runs: for at least
     * {@link #ATTACK_ELECTION_TIMEOUTS} of the cluster's longest election timeouts, and until {@code over} holds.
     */
    private Attack attack(UdpCluster cluster, UnaryOperator<SkiffOptions.Builder> misconfigure,
        BooleanSupplier over) {
        final SkiffOptions intruderOptions = misconfigure.apply(authenticated(KEY)
            .peers(cluster.addresses())
            .electionTimeoutMin(Duration.ofMillis(40))
            .electionTimeoutMax(Duration.ofMillis(80))
            .appendEntriesInterval(Duration.ofMillis(10))
            .preVote(false)).build();
        final SkiffNode intruder = Skiff.node(FreePorts.address(), intruderOptions);
        final List<NodeState> intruderStates = new CopyOnWriteArrayList<>();
        intruder.on(SkiffEvent.StateChanged.class, event -> intruderStates.add(event.to()));
        track(intruder);

        final long attackStartNs = System.nanoTime();
        intruder.start().join();
        int written = 0;
        while (System.nanoTime() - attackStartNs < ATTACK_ELECTION_TIMEOUTS
            * UdpCluster.ELECTION_TIMEOUT_MAX.toNanos() || !over.getAsBoolean()) {
            put(cluster.node(written % cluster.size()), "during-attack-" + written, "v" + written);
            written++;
        }
        return new Attack(intruder, intruderStates, written, (System.nanoTime() - attackStartNs) / 1e9);
    }

    /** The intruder campaigned and never led; the leader, every member's term and the writes are intact. */
    private static void assertThatTheAttackChangedNothing(UdpCluster cluster, SkiffNode leader, long term,
        Attack attack) {
        assertThat(attack.intruder().term()).as("the intruder's term, raised by its campaigns").isGreaterThan(term);
        assertThat(attack.intruderStates()).as("states of the intruder").doesNotContain(NodeState.LEADER);
        assertThat(cluster.awaitLeader()).as("the cluster's leader").isSameAs(leader);
        final int last = attack.written() - 1;
        for (int i = 0; i < cluster.size(); i++) {
            final SkiffNode member = cluster.node(i);
            assertThat(member.term()).as("term of %s", member.address()).isEqualTo(term);
            assertThat(get(member, "during-attack-" + last)).contains("v" + last);
        }
    }

    @Test
    void keysRotatedByRollingRestartsThroughOldNewThenNewOldKeepTheClusterWorking(@TempDir Path data) {
        final UdpCluster cluster = track(UdpCluster.start(3, authenticated(OLD_KEY).storage("xodus").location(data)
            .build()));
        cluster.awaitLeader();
        int step = 0;

        step = restartEachWith(cluster, step, OLD_KEY, NEW_KEY);
        step = restartEachWith(cluster, step, NEW_KEY, OLD_KEY);
        restartEachWith(cluster, step, NEW_KEY);

        for (int i = 0; i < cluster.size(); i++) {
            assertThat(cluster.node(i).stats().counter("framesNotAuthentic")).as("rejected at %s", cluster.address(i))
                .isZero();
        }
    }

    /**
     * Stops each node in turn, checks that the other two still commit and serve reads, restarts it with the given
     * keys (same address and data), and checks that every node then serves writes and linearizable reads and that
     * the restarted one caught up.
     *
     * @return the next step number, for unique keys.
     */
    private static int restartEachWith(UdpCluster cluster, int step, byte[]... keys) {
        for (int i = 0; i < cluster.size(); i++) {
            cluster.stop(i);
            writeAndReadEverywhere(cluster, "step-" + step++);
            cluster.replace(i, options -> options.authenticationKeys(keys));
            cluster.start(i);
            writeAndReadEverywhere(cluster, "step-" + step++);
            cluster.awaitCaughtUp();
        }
        return step;
    }

    /** Writes one key through every running node and reads each back, linearizably, on every running node. */
    private static void writeAndReadEverywhere(UdpCluster cluster, String prefix) {
        final List<SkiffNode> running = cluster.running();
        for (SkiffNode writer : running) {
            try {
                put(writer, prefix + "-" + writer.address().port(), prefix);
            } catch (CompletionException e) {
                throw new AssertionError(prefix + ": a write through " + writer.address() + " failed: " + e.getCause()
                    + "\n" + cluster.describe(), e);
            }
        }
        for (SkiffNode reader : running) {
            for (SkiffNode writer : running) {
                try {
                    assertThat(get(reader, prefix + "-" + writer.address().port()))
                        .as("%s reading what %s wrote at %s", reader.address(), writer.address(), prefix)
                        .contains(prefix);
                } catch (CompletionException e) {
                    throw new AssertionError(prefix + ": a linearizable read on " + reader.address() + " failed: "
                        + e.getCause() + "\n" + cluster.describe(), e);
                }
            }
        }
    }

    private static boolean everyMember(UdpCluster cluster, Predicate<SkiffNode> condition) {
        for (SkiffNode member : cluster.running()) {
            if (!condition.test(member)) {
                return false;
            }
        }
        return true;
    }

    private static SkiffOptions.Builder authenticated(byte[] key) {
        return UdpCluster.testOptions().clusterId(CLUSTER_ID).authenticationKeys(key);
    }

    private static byte[] key(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static void put(SkiffNode node, String key, String value) {
        node.levelup().put(key, value).orTimeout(OPERATION_TIMEOUT_S, TimeUnit.SECONDS).join();
    }

    private static java.util.Optional<String> get(SkiffNode node, String key) {
        return node.levelup().get(key, ReadConsistency.LINEARIZABLE).orTimeout(OPERATION_TIMEOUT_S, TimeUnit.SECONDS)
            .join();
    }

    private <T extends AutoCloseable> T track(T resource) {
        resources.add(resource);
        return resource;
    }
}
