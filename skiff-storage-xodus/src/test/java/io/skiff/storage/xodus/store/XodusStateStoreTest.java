package io.skiff.storage.xodus.store;

import io.skiff.NodeAddress;
import io.skiff.spi.PersistentState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static io.skiff.storage.xodus.store.TestStorage.appendRange;
import static org.assertj.core.api.Assertions.assertThat;

class XodusStateStoreTest {
    private static final PersistentState VOTED = new PersistentState("cluster-ä", 7, NodeAddress.parse("/mem/b"),
        List.of(NodeAddress.parse("/mem/a"), NodeAddress.parse("/ip4/127.0.0.1/udp/9490"),
            NodeAddress.parse("/ip6/::1/udp/9491")));

    @TempDir
    Path dir;

    @Test
    void aNewNodeLoadsTheEmptyState() {
        try (XodusStorage storage = TestStorage.open(dir)) {
            assertThat(storage.state().load()).isEqualTo(PersistentState.EMPTY);
        }
    }

    @Test
    void savedStateLoadsBackAndSurvivesReopen() {
        try (XodusStorage storage = TestStorage.open(dir)) {
            storage.state().save(VOTED);
            assertThat(storage.state().load()).isEqualTo(VOTED);
        }
        try (XodusStorage storage = TestStorage.open(dir)) {
            assertThat(storage.state().load()).isEqualTo(VOTED);
        }
    }

    @Test
    void stateWithoutClusterIdOrVoteRoundTrips() {
        final PersistentState noVote = new PersistentState(null, 3, null, List.of());
        try (XodusStorage storage = TestStorage.open(dir)) {
            storage.state().save(VOTED);
            storage.state().save(noVote);
        }
        try (XodusStorage storage = TestStorage.open(dir)) {
            assertThat(storage.state().load()).isEqualTo(noVote);
        }
    }

    @Test
    void saveIsDurableOnReturnAndCarriesPendingLogWritesWithIt() {
        try (XodusStorage storage = TestStorage.open(dir)) {
            appendRange(storage.log(), 1, 3, 1);
            final long before = storage.transactionsCommitted();
            storage.state().save(VOTED);
            assertThat(storage.transactionsCommitted()).isEqualTo(before + 1);
        }
        try (XodusStorage storage = TestStorage.open(dir)) {
            assertThat(storage.state().load()).isEqualTo(VOTED);
            assertThat(storage.log().lastIndex()).isEqualTo(3);
        }
    }
}
