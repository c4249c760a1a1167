package io.skiff.testkit;

import io.skiff.NodeAddress;
import io.skiff.SkiffNode;
import io.skiff.SkiffOptions;
import io.skiff.spi.PersistentState;
import io.skiff.spi.Storage;
import io.skiff.spi.StorageContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The spec's persistence scenario: with the same storage, a node or the whole cluster stopped and started again keeps
 * its log, term, vote, members and data.
 */
class PersistenceTest {
    private TestCluster cluster;

    @AfterEach
    void stopCluster() {
        if (null != cluster) {
            cluster.close();
        }
    }

    @Test
    void aRestartedClusterKeepsItsDataAndItsTermNeverDecreases() {
        cluster = TestCluster.started();
        final SkiffNode leader = cluster.awaitLeader();
        for (int i = 0; i < 10; i++) {
            Await.result(cluster.nodes().get(i % 3).levelup().put("key" + i, "value" + i));
        }
        final Map<String, Long> terms = new HashMap<>();
        final Map<String, Long> lastIndexes = new HashMap<>();
        for (SkiffNode node : cluster.nodes()) {
            terms.put(node.address().toString(), node.term());
            lastIndexes.put(node.address().toString(), node.stats().lastIndex());
        }

        for (SkiffNode node : cluster.nodes()) {
            cluster.stop(node);
        }
        for (String address : TestCluster.ADDRESSES) {
            cluster.replace(address, cluster.options(address));
        }
        cluster.startAll();

        final SkiffNode next = cluster.awaitLeader();
        for (SkiffNode node : cluster.nodes()) {
            assertThat(node.term()).as("term of %s after the restart", node)
                .isGreaterThanOrEqualTo(terms.get(node.address().toString()));
            assertThat(node.stats().lastIndex()).as("last log index of %s after the restart", node)
                .isGreaterThanOrEqualTo(lastIndexes.get(node.address().toString()));
            for (int i = 0; i < 10; i++) {
                assertThat(Await.result(node.levelup().get("key" + i))).as("key%d on %s", i, node)
                    .contains("value" + i);
            }
        }
        assertThat(next.term()).isGreaterThan(terms.get(leader.address().toString()));
    }

    @Test
    void termAndVoteAreDurableWhenTheNodeStops() {
        cluster = TestCluster.started();
        final SkiffNode leader = cluster.awaitLeader();
        final long term = leader.term();
        final NodeAddress address = leader.address();

        cluster.stop(leader);

        final PersistentState saved = savedState(address);
        assertThat(saved.term()).isEqualTo(term);
        assertThat(saved.votedFor()).as("the vote a leader cast for itself").isEqualTo(address);
        assertThat(saved.members()).extracting(NodeAddress::toString)
            .containsExactlyInAnyOrderElementsOf(TestCluster.ADDRESSES);
        assertThat(saved.clusterId()).isEqualTo(SkiffOptions.DEFAULT_CLUSTER_ID);
    }

    @Test
    void aRestartedNodeKeepsItsLogBeforeAnyLeaderIsKnown() {
        cluster = TestCluster.started();
        final SkiffNode leader = cluster.awaitLeader();
        Await.result(leader.levelup().put("a", "1"));
        Await.result(leader.levelup().put("b", "2"));
        final long lastIndex = leader.stats().lastIndex();
        for (SkiffNode node : cluster.nodes()) {
            cluster.stop(node);
        }

        final SkiffNode alone = cluster.replace(leader.address().toString(),
            cluster.options(leader.address().toString()));
        cluster.start(leader.address().toString());

        assertThat(alone.stats().lastIndex()).isEqualTo(lastIndex);
        assertThat(alone.leader()).isEmpty();
    }

    @Test
    void persistedMembersWinOverThePeersOption() {
        cluster = TestCluster.started();
        final SkiffNode leader = cluster.awaitLeader();
        final SkiffNode follower = cluster.followersOf(leader).get(0);
        final String address = follower.address().toString();
        Await.result(leader.levelup().put("before", "restart"));
        cluster.stop(follower);

        final SkiffOptions withoutPeers = cluster.options(address).toBuilder().peers(List.of()).build();
        final SkiffNode restarted = cluster.replace(address, withoutPeers);
        cluster.start(address);
        Await.result(leader.levelup().put("after", "restart"));

        assertThat(Await.result(restarted.levelup().get("after"))).contains("restart");
        assertThat(restarted.leader()).contains(leader.address());
        assertThat(Await.result(restarted.peers())).extracting(peer -> peer.address().toString())
            .containsExactlyInAnyOrderElementsOf(TestCluster.ADDRESSES);
    }

    /** Reads what the stopped node at this address left in the cluster's storage. */
    private PersistentState savedState(NodeAddress address) {
        try (Storage storage = cluster.storage().open(new StorageContext(address, cluster.options(
            address.toString()), Path.of("unused")))) {
            return storage.state().load();
        }
    }
}
