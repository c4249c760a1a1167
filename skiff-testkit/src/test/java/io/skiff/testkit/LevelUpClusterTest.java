package io.skiff.testkit;

import io.skiff.Batch;
import io.skiff.KeyValue;
import io.skiff.LevelUp;
import io.skiff.RangeOptions;
import io.skiff.ReadConsistency;
import io.skiff.SkiffException;
import io.skiff.SkiffNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The spec's levelup scenarios over a three-node cluster: writes on any node, linearizable reads on the leader and
 * on followers, local reads, atomic batches and every range option.
 */
class LevelUpClusterTest {
    private TestCluster cluster;

    @AfterEach
    void stopCluster() {
        if (null != cluster) {
            cluster.close();
        }
    }

    @Test
    void putThenGetReturnsTheValueOnTheLeaderAndOnFollowers() {
        cluster = TestCluster.started();
        final SkiffNode leader = cluster.awaitLeader();

        Await.result(leader.levelup().put("colour", "blue"));

        for (SkiffNode node : cluster.nodes()) {
            assertThat(Await.result(node.levelup().get("colour"))).as("read on %s", node).contains("blue");
        }
    }

    @Test
    void putOverwritesAndBytesRoundTrip() {
        cluster = TestCluster.started();
        final LevelUp db = cluster.awaitLeader().levelup();
        final byte[] key = {0, 1, (byte)0xFF};
        final byte[] value = {(byte)0x80, 0, 127};

        Await.result(db.put("k", "first"));
        Await.result(db.put("k", "second"));
        Await.result(db.put(key, value));

        assertThat(Await.result(db.get("k"))).contains("second");
        assertThat(Await.result(db.get(key))).hasValueSatisfying(bytes -> assertThat(bytes).isEqualTo(value));
    }

    @Test
    void delThenGetFindsNothing() {
        cluster = TestCluster.started();
        final SkiffNode leader = cluster.awaitLeader();
        final SkiffNode follower = cluster.followersOf(leader).get(0);
        Await.result(leader.levelup().put("doomed", "x"));

        Await.result(follower.levelup().del("doomed"));

        for (SkiffNode node : cluster.nodes()) {
            assertThat(Await.result(node.levelup().get("doomed"))).as("read on %s", node).isEmpty();
        }
    }

    @Test
    void delOfAnAbsentKeySucceeds() {
        cluster = TestCluster.started();
        final LevelUp db = cluster.awaitLeader().levelup();

        Await.result(db.del("never-written"));

        assertThat(Await.result(db.get("never-written"))).isEmpty();
    }

    @Test
    void getOfAMissingKeyOnAFollowerIsEmpty() {
        cluster = TestCluster.started();
        final SkiffNode follower = cluster.followersOf(cluster.awaitLeader()).get(0);

        assertThat(Await.result(follower.levelup().get("missing"))).isEmpty();
    }

    @Test
    void batchAppliesPutsAndDelsAtOneLogIndex() {
        cluster = TestCluster.started();
        final SkiffNode leader = cluster.awaitLeader();
        final LevelUp db = leader.levelup();
        Await.result(db.put("a", "old-a"));
        Await.result(db.put("c", "old-c"));
        final long lastIndexBefore = leader.stats().lastIndex();

        Await.result(db.batch(Batch.create().put("a", "new-a").put("b", "new-b").del("c").put("d", "1").put("d", "2")));

        assertThat(leader.stats().lastIndex()).as("log entries taken by the batch").isEqualTo(lastIndexBefore + 1);
        assertThat(strings(Await.result(db.range())))
            .containsExactly("a=new-a", "b=new-b", "d=2");
    }

    @Test
    void batchIsNeverSeenHalfAppliedByLocalReadsOnAFollower() {
        cluster = TestCluster.started();
        final SkiffNode leader = cluster.awaitLeader();
        final SkiffNode follower = cluster.followersOf(leader).get(0);
        final Batch first = Batch.create();
        final Batch second = Batch.create();
        for (int i = 0; i < 20; i++) {
            first.put("key" + i, "v1");
            second.put("key" + i, "v2");
        }
        Await.result(leader.levelup().batch(first));
        final AtomicBoolean writing = new AtomicBoolean(true);
        final CompletableFuture<Void> writes = leader.levelup().batch(second)
            .thenCompose(ignored -> leader.levelup().batch(first))
            .thenCompose(ignored -> leader.levelup().batch(second))
            .whenComplete((ignored, failure) -> writing.set(false));

        final List<String> torn = new ArrayList<>();
        int reads = 0;
        while (writing.get() || reads == 0) {
            final List<KeyValue> seen = Await.result(
                follower.levelup().range(RangeOptions.all().consistency(ReadConsistency.LOCAL)));
            final long distinct = seen.stream().map(KeyValue::valueString).distinct().count();
            if (distinct > 1) {
                torn.add(strings(seen).toString());
            }
            reads++;
        }
        Await.result(writes);

        assertThat(torn).as("local reads that saw part of a batch").isEmpty();
    }

    @Test
    void chainedBatchWritesEveryOperation() {
        cluster = TestCluster.started();
        final SkiffNode leader = cluster.awaitLeader();
        final LevelUp db = cluster.followersOf(leader).get(0).levelup();
        Await.result(db.put("gone", "x"));

        Await.result(db.batch().put("one", "1").put("two", "2").del("gone").write());

        assertThat(strings(Await.result(leader.levelup().range()))).containsExactly("one=1", "two=2");
    }

    @Test
    void emptyBatchCompletesWithoutChangingAnything() {
        cluster = TestCluster.started();
        final SkiffNode leader = cluster.awaitLeader();
        final long lastIndex = leader.stats().lastIndex();

        Await.result(leader.levelup().batch(Batch.create()));

        assertThat(leader.stats().lastIndex()).isEqualTo(lastIndex);
    }

    @Test
    void iteratingAllKeysReturnsThemInUnsignedByteOrderOnEveryNode() {
        cluster = TestCluster.started();
        final SkiffNode leader = cluster.awaitLeader();
        Await.result(leader.levelup().batch(Batch.create().put("b", "2").put("a", "1").put("c", "3")
            .put(new byte[] {(byte)0xC3, (byte)0xA9}, "4".getBytes(StandardCharsets.UTF_8)).put("A", "0")));

        for (SkiffNode node : cluster.nodes()) {
            assertThat(strings(Await.result(node.levelup().range()))).as("range on %s", node)
                .containsExactly("A=0", "a=1", "b=2", "c=3", "é=4");
        }
    }

    @Test
    void rangeHonoursGtGteLtAndLte() {
        cluster = startedWithLetters();
        final LevelUp db = cluster.followersOf(cluster.awaitLeader()).get(0).levelup();

        assertThat(keys(db, RangeOptions.all().gt("b"))).containsExactly("c", "d", "e");
        assertThat(keys(db, RangeOptions.all().gte("b"))).containsExactly("b", "c", "d", "e");
        assertThat(keys(db, RangeOptions.all().lt("d"))).containsExactly("a", "b", "c");
        assertThat(keys(db, RangeOptions.all().lte("d"))).containsExactly("a", "b", "c", "d");
        assertThat(keys(db, RangeOptions.all().gt("a").lt("e"))).containsExactly("b", "c", "d");
        assertThat(keys(db, RangeOptions.all().gte("bb").lte("dd"))).containsExactly("c", "d");
        assertThat(keys(db, RangeOptions.all().gt("c").lt("c"))).isEmpty();
        assertThat(keys(db, RangeOptions.all().gte("e").lte("a"))).isEmpty();
    }

    @Test
    void rangeHonoursReverseAndLimit() {
        cluster = startedWithLetters();
        final LevelUp db = cluster.awaitLeader().levelup();

        assertThat(keys(db, RangeOptions.all().reverse(true))).containsExactly("e", "d", "c", "b", "a");
        assertThat(keys(db, RangeOptions.all().limit(2))).containsExactly("a", "b");
        assertThat(keys(db, RangeOptions.all().reverse(true).limit(2))).containsExactly("e", "d");
        assertThat(keys(db, RangeOptions.all().reverse(true).gt("a").lte("d").limit(2))).containsExactly("d", "c");
        assertThat(keys(db, RangeOptions.all().limit(0))).isEmpty();
        assertThat(keys(db, RangeOptions.all().limit(-1))).hasSize(5);
        assertThat(keys(db, RangeOptions.all().limit(99))).hasSize(5);
    }

    @Test
    void rangeReturnsKeysOnlyOrValuesOnly() {
        cluster = startedWithLetters();
        final LevelUp db = cluster.awaitLeader().levelup();

        final List<KeyValue> keysOnly = Await.result(db.range(RangeOptions.all().values(false).lte("b")));
        final List<KeyValue> valuesOnly = Await.result(db.range(RangeOptions.all().keys(false).lte("b")));

        assertThat(keysOnly).extracting(KeyValue::keyString).containsExactly("a", "b");
        assertThat(keysOnly).extracting(KeyValue::value).containsOnlyNulls();
        assertThat(valuesOnly).extracting(KeyValue::valueString).containsExactly("value-a", "value-b");
        assertThat(valuesOnly).extracting(KeyValue::key).containsOnlyNulls();
    }

    @Test
    void linearizableReadOnAFollowerSeesAWriteAcknowledgedJustBefore() {
        cluster = TestCluster.started();
        final SkiffNode leader = cluster.awaitLeader();
        final List<SkiffNode> followers = cluster.followersOf(leader);

        for (int i = 0; i < 20; i++) {
            Await.result(leader.levelup().put("counter", Integer.toString(i)));
            final SkiffNode reader = followers.get(i % followers.size());
            assertThat(Await.result(reader.levelup().get("counter"))).as("read %d on %s", i, reader)
                .contains(Integer.toString(i));
        }
    }

    @Test
    void localReadsOnEveryNodeEventuallySeeTheWrite() {
        cluster = TestCluster.started();
        final SkiffNode leader = cluster.awaitLeader();

        Await.result(leader.levelup().put("local", "yes"));

        assertThat(Await.result(leader.levelup().get("local", ReadConsistency.LOCAL))).as("local read on the leader")
            .contains("yes");
        for (SkiffNode node : cluster.followersOf(leader)) {
            Await.until("a local read on " + node + " sees the write",
                () -> Await.result(node.levelup().get("local", ReadConsistency.LOCAL)).isPresent());
            assertThat(strings(Await.result(node.levelup().range(RangeOptions.all()
                .consistency(ReadConsistency.LOCAL))))).containsExactly("local=yes");
        }
    }

    @Test
    void localReadsNeedNoLeader() {
        cluster = TestCluster.started();
        final SkiffNode leader = cluster.awaitLeader();
        Await.result(leader.levelup().put("k", "v"));
        final SkiffNode follower = cluster.followersOf(leader).get(0);
        Await.until("the follower applied the write",
            () -> Await.result(follower.levelup().get("k", ReadConsistency.LOCAL)).isPresent());

        cluster.network().isolate(follower.address().toString());
        Await.until("the isolated follower has no leader", () -> follower.leader().isEmpty());

        assertThat(Await.result(follower.levelup().get("k", ReadConsistency.LOCAL))).contains("v");
    }

    @Test
    void cutOffLeaderNeverServesAStaleLinearizableRead() {
        cluster = TestCluster.started();
        final SkiffNode old = cluster.awaitLeader();
        Await.result(old.levelup().put("k", "old"));
        cluster.network().isolate(old.address().toString());
        final SkiffNode next = TestCluster.awaitLeaderAmong(cluster.followersOf(old));

        Await.result(next.levelup().put("k", "new"));
        final CompletableFuture<Optional<String>> read = old.levelup().get("k");

        assertThat(Await.failure(read)).as("a read on the cut-off leader after a newer write was acknowledged")
            .isInstanceOf(SkiffException.class);
        assertThat(Await.result(old.levelup().get("k", ReadConsistency.LOCAL))).as("its local state")
            .contains("old");
    }

    private TestCluster startedWithLetters() {
        final TestCluster started = TestCluster.started();
        final Batch letters = Batch.create();
        for (String key : List.of("e", "c", "a", "d", "b")) {
            letters.put(key, "value-" + key);
        }
        Await.result(started.awaitLeader().levelup().batch(letters));
        return started;
    }

    private static List<String> keys(LevelUp db, RangeOptions options) {
        return Await.result(db.range(options)).stream().map(KeyValue::keyString).collect(Collectors.toList());
    }

    static List<String> strings(List<KeyValue> entries) {
        return entries.stream().map(kv -> kv.keyString() + "=" + kv.valueString()).collect(Collectors.toList());
    }
}
