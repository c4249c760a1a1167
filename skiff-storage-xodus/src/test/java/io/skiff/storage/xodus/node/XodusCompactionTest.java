package io.skiff.storage.xodus.node;

import io.skiff.SkiffNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Log compaction on Xodus, and catching up by snapshot: a node that was down while the others compacted their logs
 * past what it holds gets InstallSnapshot, then the rest of the log, and ends with the same data (checksum over every
 * key and value, read locally on each node).
 */
class XodusCompactionTest {
    @TempDir
    Path dir;
    private XodusCluster cluster;

    @AfterEach
    void stopCluster() {
        if (null != cluster) {
            cluster.close();
        }
    }

    /** The spec's scenario, small: snapshots every 200 entries, 50 kept. */
    @ParameterizedTest
    @ValueSource(strings = {"kv", "kv-storage"})
    void afterManyEntriesTheLogIsCompactedAndANodeThatWasDownCatchesUpBySnapshot(String stateMachine) {
        cluster = new XodusCluster(XodusCluster.THREE, dir, stateMachine, options -> options
            .snapshotInterval(200).minLogRetention(50));
        cluster.start("/mem/a");
        cluster.start("/mem/b");
        final SkiffNode leader = cluster.awaitLeader();
        final Writes writes = new Writes();
        writes.write(leader, 600, 32, 20);

        cluster.awaitConverged(leader);
        for (SkiffNode node : cluster.running()) {
            assertThat(node.stats().firstIndex()).as("first index in the log of %s", node).isGreaterThan(200);
            assertThat(node.stats().counter("snapshotsTaken")).isPositive();
        }
        final SkiffNode late = cluster.start("/mem/c");
        cluster.awaitConverged(leader);

        assertThat(late.stats().counter("snapshotsInstalled")).isPositive();
        assertThat(late.stats().firstIndex()).isGreaterThan(200);
        for (SkiffNode node : cluster.nodes()) {
            assertThat(XodusCluster.localEntries(node)).as("data on %s", node).isEqualTo(writes.expected());
        }
    }

    /**
     * The scenario: one node down while more than 10,000 writes go by, with a snapshot every 10,000
     * entries, so that the others compact past everything it has; back up, it installs a snapshot. Every node then
     * holds the same data: the checksum over every key and value, read locally, is the same on all three and equals
     * that of what was written.
     */
    @ParameterizedTest
    @ValueSource(strings = {"kv", "kv-storage"})
    void aNodeDownFor10000WritesCatchesUpByInstallSnapshotWithTheSameData(String stateMachine) {
        cluster = new XodusCluster(XodusCluster.THREE, dir, stateMachine, options -> options.snapshotInterval(10_000));
        cluster.startAll();
        final SkiffNode leader = cluster.awaitLeader();
        final Writes writes = new Writes();
        writes.write(leader, 100, 16, 100);
        final SkiffNode down = cluster.nodes().stream().filter(node -> node != leader).findFirst().orElseThrow();
        final String downAddress = down.address().toString();
        cluster.awaitConverged(leader);
        cluster.stop(down);

        writes.write(leader, 10_100, 256, 100);
        assertThat(leader.stats().firstIndex()).as("the leader compacted its log").isGreaterThan(9_000);
        final SkiffNode back = cluster.replace(downAddress);
        cluster.start(downAddress);
        cluster.awaitConverged(leader);

        assertThat(back.stats().counter("snapshotsInstalled")).isPositive();
        final long expected = XodusCluster.checksum(writes.expected());
        for (SkiffNode node : cluster.nodes()) {
            assertThat(XodusCluster.checksum(XodusCluster.localEntries(node))).as("checksum of the data on %s", node)
                .isEqualTo(expected);
        }
        assertThat(XodusCluster.localEntries(back)).hasSize(writes.expected().size());
    }
}
