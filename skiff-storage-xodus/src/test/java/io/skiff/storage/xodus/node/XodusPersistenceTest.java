package io.skiff.storage.xodus.node;

import io.skiff.KeyValue;
import io.skiff.NodeAddress;
import io.skiff.ReadConsistency;
import io.skiff.SkiffNode;
import io.skiff.spi.PersistentState;
import io.skiff.storage.xodus.XodusStorageOptions;
import io.skiff.storage.xodus.store.XodusStorage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The spec's persistence scenario on Xodus: a restarted node, and a whole restarted cluster, keeps its log, term,
 * vote, members and data; with {@code kv-storage} a restart resumes from the applied index stored with the data
 * instead of replaying the log, and still recognises a command retried across it.
 */
class XodusPersistenceTest {
    @TempDir
    Path dir;
    private XodusCluster cluster;

    @AfterEach
    void stopCluster() {
        if (null != cluster) {
            cluster.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"kv", "kv-storage"})
    void aRestartedClusterKeepsItsLogTermVoteMembersAndData(String stateMachine) {
        cluster = new XodusCluster(XodusCluster.THREE, dir, stateMachine, options -> options).startAll();
        final SkiffNode leader = cluster.awaitLeader();
        for (int i = 0; i < 20; i++) {
            Await.result(cluster.nodes().get(i % 3).levelup().put("key" + i, "value" + i));
        }
        cluster.awaitConverged(leader);
        final Map<String, Long> terms = new HashMap<>();
        final Map<String, Long> lastIndexes = new HashMap<>();
        for (SkiffNode node : cluster.nodes()) {
            terms.put(node.address().toString(), node.term());
            lastIndexes.put(node.address().toString(), node.stats().lastIndex());
        }
        for (SkiffNode node : cluster.nodes()) {
            cluster.stop(node);
        }

        for (String address : cluster.addresses()) {
            try (XodusStorage storage = XodusStorage.open(cluster.directory(address), NodeAddress.parse(address),
                XodusStorageOptions.defaults())) {
                final PersistentState state = storage.state().load();
                assertThat(state.term()).as("saved term of %s", address).isEqualTo(terms.get(address));
                assertThat(state.members()).extracting(NodeAddress::toString)
                    .containsExactlyInAnyOrderElementsOf(cluster.addresses());
                if (address.equals(leader.address().toString())) {
                    assertThat(state.votedFor()).as("the vote the leader cast for itself").isEqualTo(leader.address());
                } else {
                    assertThat(state.votedFor()).isIn(null, leader.address());
                }
                assertThat(storage.log().lastIndex()).as("saved last index of %s", address)
                    .isEqualTo(lastIndexes.get(address));
            }
        }

        for (String address : cluster.addresses()) {
            cluster.replace(address);
        }
        cluster.startAll();
        final SkiffNode next = cluster.awaitLeader();
        assertThat(next.term()).isGreaterThan(terms.get(leader.address().toString()));
        Await.result(next.levelup().put("after", "restart"));
        cluster.awaitConverged(next);
        for (SkiffNode node : cluster.nodes()) {
            assertThat(node.term()).isGreaterThanOrEqualTo(terms.get(node.address().toString()));
            assertThat(node.stats().lastIndex()).isGreaterThan(lastIndexes.get(node.address().toString()));
            final List<KeyValue> entries = XodusCluster.localEntries(node);
            assertThat(entries).as("data on %s", node).hasSize(21);
            for (int i = 0; i < 20; i++) {
                assertThat(Await.result(node.levelup().get("key" + i, ReadConsistency.LOCAL))).contains("value" + i);
            }
        }
    }

    /** The contrast: {@code kv} holds its map in memory and replays the log; {@code kv-storage} does not need to. */
    @ParameterizedTest
    @ValueSource(strings = {"kv", "kv-storage"})
    void aRestartWithKvStorageResumesFromItsStoredAppliedIndexWhileKvReplaysTheLog(String stateMachine) {
        cluster = new XodusCluster(XodusCluster.ONE, dir, stateMachine, options -> options).startAll();
        final SkiffNode node = cluster.awaitLeader();
        for (int i = 0; i < 50; i++) {
            Await.result(node.levelup().put("key" + i, "value" + i));
        }
        cluster.awaitConverged(node);
        final long applied = node.stats().appliedIndex();
        assertThat(applied).isEqualTo(51);
        cluster.stop(node);

        final SkiffNode restarted = cluster.replace(XodusCluster.ONE.get(0));
        cluster.start(XodusCluster.ONE.get(0));
        final long appliedAtStart = restarted.stats().appliedIndex();
        cluster.awaitLeader();
        Await.result(restarted.levelup().put("after", "restart"));

        if (stateMachine.equals("kv-storage")) {
            assertThat(appliedAtStart).as("applied index right after the start").isEqualTo(applied);
            assertThat(restarted.stats().counter("commandsApplied")).as("commands applied since the restart")
                .isOne();
        } else {
            assertThat(appliedAtStart).as("applied index right after the start").isZero();
            assertThat(restarted.stats().counter("commandsApplied")).as("commands applied since the restart")
                .isEqualTo(51);
        }
        assertThat(XodusCluster.localEntries(restarted)).hasSize(51);
    }

    /**
     * A follower's put reaches the leader, which applies it, but the answer is lost; the leader then restarts and
     * the follower's retry is appended after another client overwrote the key. Applying the retry again would bring
     * back the old value, on the restarted node in particular, whose client sessions come from its log.
     */
    @Test
    void aCommandRetriedAcrossARestartOfTheLeaderIsNotAppliedTwice() {
        cluster = new XodusCluster(XodusCluster.THREE, dir, "kv-storage", options -> options
            .clientRetryRpcTimeout(Duration.ofSeconds(1)).clientMaxRetries(30)).startAll();
        final SkiffNode leader = cluster.awaitLeader();
        final String leaderAddress = leader.address().toString();
        final SkiffNode follower = cluster.node(cluster.addresses().stream()
            .filter(a -> !a.equals(leaderAddress)).findFirst().orElseThrow());
        final String followerAddress = follower.address().toString();
        final String other = cluster.addresses().stream()
            .filter(a -> !a.equals(leaderAddress) && !a.equals(followerAddress)).findFirst().orElseThrow();
        Await.result(leader.levelup().put("warm", "up"));

        cluster.network().block(leaderAddress, followerAddress);
        final CompletableFuture<Void> retried = follower.levelup().put("k", "first");
        Await.until("the leader applied the follower's put", () -> Await.result(
            leader.levelup().get("k", ReadConsistency.LOCAL)).isPresent());
        cluster.network().isolate(followerAddress);
        Await.result(leader.levelup().put("k", "second"));
        final SkiffNode restarted = cluster.restart(leaderAddress);
        cluster.network().heal();

        Await.result(retried);
        final SkiffNode now = cluster.awaitLeader();
        Await.result(now.levelup().put("last", "write"));
        cluster.awaitConverged(now);
        assertThat(restarted.stats().counter("commandsDeduplicated"))
            .as("retries the restarted leader recognised").isPositive();
        for (String address : List.of(leaderAddress, followerAddress, other)) {
            assertThat(Await.result(cluster.node(address).levelup().get("k", ReadConsistency.LOCAL)))
                .as("k on %s", address).contains("second");
        }
    }
}
