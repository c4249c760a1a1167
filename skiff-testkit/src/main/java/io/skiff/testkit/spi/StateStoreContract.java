package io.skiff.testkit.spi;

import io.skiff.NodeAddress;
import io.skiff.spi.PersistentState;
import io.skiff.spi.StateStore;
import io.skiff.spi.Storage;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The rules of {@link StateStore}: a new node loads {@link PersistentState#EMPTY}; a save is durable and whole. */
public abstract class StateStoreContract extends StorageContract {
    private static final PersistentState VOTED = new PersistentState("cluster-1", 7,
        NodeAddress.parse("/mem/b"), List.of(NodeAddress.parse("/mem/a"), NodeAddress.parse("/mem/c"),
        NodeAddress.parse("/mem/b")));

    @Test
    public void newStoreLoadsTheEmptyState() {
        assertThat(open().state().load()).isEqualTo(PersistentState.EMPTY);
    }

    @Test
    public void loadReturnsTheSavedStateWithMembersInOrder() {
        final StateStore state = open().state();

        state.save(VOTED);

        assertThat(state.load()).isEqualTo(VOTED);
        assertThat(state.load().members()).extracting(NodeAddress::toString)
            .containsExactly("/mem/a", "/mem/c", "/mem/b");
    }

    @Test
    public void aLaterSaveReplacesTheEarlierOne() {
        final StateStore state = open().state();
        state.save(VOTED);

        final PersistentState nextTerm = new PersistentState("cluster-1", 8, null, VOTED.members());
        state.save(nextTerm);

        assertThat(state.load()).isEqualTo(nextTerm);
    }

    @Test
    public void savedStateSurvivesARestart() {
        Storage storage = open();
        storage.state().save(VOTED);

        storage = reopen(storage);

        assertThat(storage.state().load()).isEqualTo(VOTED);
    }

    @Test
    public void stateWithoutClusterVoteOrMembersSurvivesARestart() {
        Storage storage = open();
        final PersistentState termOnly = new PersistentState(null, 3, null, List.of());
        storage.state().save(termOnly);

        storage = reopen(storage);

        assertThat(storage.state().load()).isEqualTo(termOnly);
    }

    @Test
    public void stateIsKeptApartFromTheLog() {
        Storage storage = open();
        storage.state().save(VOTED);
        storage.log().append(1, 7, bytes("entry"));
        storage.log().sync();

        storage = reopen(storage);

        assertThat(storage.state().load()).isEqualTo(VOTED);
        assertThat(storage.log().lastIndex()).isEqualTo(1);
    }
}
