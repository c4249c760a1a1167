package io.skiff.testkit;

import io.skiff.Batch;
import io.skiff.KeyValue;
import io.skiff.LevelDown;
import io.skiff.RangeOptions;
import io.skiff.SkiffNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The spec's leveldown scenarios: the low-level store surface of a three-node cluster, opened and closed. */
class LevelDownClusterTest {
    private TestCluster cluster;

    @AfterEach
    void stopCluster() {
        if (null != cluster) {
            cluster.close();
        }
    }

    @Test
    void callsBeforeOpenFailNamingTheCall() {
        cluster = TestCluster.started();
        final LevelDown store = cluster.awaitLeader().leveldown();

        assertThat(store.isOpen()).isFalse();
        assertThat(Await.failure(store.get(bytes("k")))).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("get()");
        assertThat(Await.failure(store.put(bytes("k"), bytes("v")))).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("put()");
        assertThat(Await.failure(store.del(bytes("k")))).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("del()");
        assertThat(Await.failure(store.batch(Batch.create().put("k", "v"))))
            .isInstanceOf(IllegalStateException.class).hasMessageContaining("batch()");
        assertThatThrownBy(() -> store.iterator(RangeOptions.all())).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("iterator()");
    }

    @Test
    void openStorePutsGetsAndDeletesThroughTheCluster() {
        cluster = TestCluster.started();
        final SkiffNode leader = cluster.awaitLeader();
        final LevelDown store = cluster.followersOf(leader).get(0).leveldown();

        Await.result(store.open());
        Await.result(store.put(bytes("k"), bytes("v")));
        assertThat(value(store, "k")).contains("v");
        assertThat(Await.result(leader.levelup().get("k"))).contains("v");

        Await.result(store.del(bytes("k")));
        assertThat(value(store, "k")).isEmpty();
    }

    @Test
    void batchThroughLevelDownAppliesPutsAndDels() {
        cluster = TestCluster.started();
        final LevelDown store = cluster.awaitLeader().leveldown();
        Await.result(store.open());
        Await.result(store.put(bytes("x"), bytes("old")));

        Await.result(store.batch(Batch.create().put("y", "1").put("z", "2").del("x")));

        assertThat(value(store, "x")).isEmpty();
        assertThat(value(store, "y")).contains("1");
        assertThat(value(store, "z")).contains("2");
    }

    @Test
    void closeEndsTheStoreAndItCanBeOpenedAgain() {
        cluster = TestCluster.started();
        final LevelDown store = cluster.awaitLeader().leveldown();
        Await.result(store.open());
        Await.result(store.put(bytes("k"), bytes("v")));

        Await.result(store.close());
        assertThat(store.isOpen()).isFalse();
        assertThat(Await.failure(store.get(bytes("k")))).isInstanceOf(IllegalStateException.class);

        Await.result(store.open());
        Await.result(store.open());
        assertThat(store.isOpen()).isTrue();
        assertThat(value(store, "k")).contains("v");
    }

    @Test
    void iteratorWalksAllKeysAcrossPagesOnAFollower() {
        cluster = TestCluster.started();
        final SkiffNode leader = cluster.awaitLeader();
        final Batch batch = Batch.create();
        for (int i = 0; i < 300; i++) {
            batch.put(String.format("key%04d", i), "v" + i);
        }
        Await.result(leader.levelup().batch(batch));
        final LevelDown store = cluster.followersOf(leader).get(0).leveldown();
        Await.result(store.open());

        final List<String> keys = drain(store.iterator(RangeOptions.all()));

        assertThat(keys).hasSize(300);
        assertThat(keys).isSorted();
        assertThat(keys.get(0)).isEqualTo("key0000");
        assertThat(keys.get(299)).isEqualTo("key0299");
    }

    @Test
    void iteratorHonoursRangeOptionsAndSeek() {
        cluster = TestCluster.started();
        final LevelDown store = cluster.awaitLeader().leveldown();
        Await.result(store.open());
        Await.result(store.batch(Batch.create().put("a", "1").put("b", "2").put("c", "3").put("d", "4")
            .put("e", "5")));

        assertThat(drain(store.iterator(RangeOptions.all().gt("a").lte("d").reverse(true))))
            .containsExactly("d", "c", "b");
        assertThat(drain(store.iterator(RangeOptions.all().limit(2)))).containsExactly("a", "b");

        final LevelDown.Iterator valuesOnly = store.iterator(RangeOptions.all().keys(false));
        assertThat(Await.result(valuesOnly.next())).contains(new KeyValue(null, bytes("1")));
        Await.result(valuesOnly.end());

        final LevelDown.Iterator seeking = store.iterator(RangeOptions.all());
        assertThat(Await.result(seeking.next()).map(KeyValue::keyString)).contains("a");
        seeking.seek(bytes("c"));
        assertThat(drain(seeking)).containsExactly("c", "d", "e");
    }

    @Test
    void closingTheStoreEndsItsIterators() {
        cluster = TestCluster.started();
        final LevelDown store = cluster.awaitLeader().leveldown();
        Await.result(store.open());
        Await.result(store.put(bytes("a"), bytes("1")));
        final LevelDown.Iterator iterator = store.iterator(RangeOptions.all());

        Await.result(store.close());

        assertThat(Await.failure(iterator.next())).isInstanceOf(IllegalStateException.class);
    }

    private static List<String> drain(LevelDown.Iterator iterator) {
        final List<String> keys = new ArrayList<>();
        Optional<KeyValue> next;
        while ((next = Await.result(iterator.next())).isPresent()) {
            keys.add(next.get().keyString());
        }
        Await.result(iterator.end());
        return keys;
    }

    private static Optional<String> value(LevelDown store, String key) {
        return Await.result(store.get(bytes(key))).map(v -> new String(v, StandardCharsets.UTF_8));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
