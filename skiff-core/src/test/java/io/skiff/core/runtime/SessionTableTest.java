package io.skiff.core.runtime;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SessionTableTest {
    @Test
    void aRetriedSequenceIsAnsweredFromTheTableInsteadOfAppliedAgain() {
        final SessionTable table = new SessionTable(8);
        assertThat(table.lookup(1, 5, 1)).isSameAs(SessionTable.NOT_APPLIED);
        final byte[] answer = {42};
        table.record(1, 5, answer);
        assertThat(table.lookup(1, 5, 1)).isSameAs(answer);
        assertThat(table.lookup(2, 5, 1)).isSameAs(SessionTable.NOT_APPLIED);
    }

    @Test
    void sequencesBelowTheFloorAreForgottenButStillNotAppliedAgain() {
        final SessionTable table = new SessionTable(8);
        for (long s = 1; s <= 4; s++) {
            table.lookup(1, s, 1);
            table.record(1, s, new byte[]{(byte)s});
        }
        assertThat(table.lookup(1, 5, 4)).isSameAs(SessionTable.NOT_APPLIED);
        assertThat(table.lookup(1, 2, 4)).isSameAs(SessionTable.FORGOTTEN);
        assertThat(table.lookup(1, 4, 4)).containsExactly(4);
    }

    @Test
    void anOlderSequenceAppliedAfterANewerOneIsFoundLater() {
        final SessionTable table = new SessionTable(8);
        for (long s : new long[]{3, 1, 7, 2, 5}) {
            assertThat(table.lookup(9, s, 1)).isSameAs(SessionTable.NOT_APPLIED);
            table.record(9, s, new byte[]{(byte)s});
        }
        for (long s : new long[]{1, 2, 3, 5, 7}) {
            assertThat(table.lookup(9, s, 1)).containsExactly((byte)s);
        }
        assertThat(table.lookup(9, 4, 1)).isSameAs(SessionTable.NOT_APPLIED);
    }

    @Test
    void theLeastRecentlyUsedSessionIsEvictedFirst() {
        final SessionTable table = new SessionTable(2);
        table.lookup(1, 1, 1);
        table.record(1, 1, new byte[]{1});
        table.lookup(2, 1, 1);
        table.record(2, 1, new byte[]{2});
        table.lookup(1, 1, 1);
        table.lookup(3, 1, 1);
        assertThat(table.size()).isEqualTo(2);
        assertThat(table.lookup(1, 1, 1)).containsExactly(1);
        assertThat(table.lookup(2, 1, 1)).isSameAs(SessionTable.NOT_APPLIED);
    }

    @Test
    void aSessionGrowsPastItsInitialCapacity() {
        final SessionTable table = new SessionTable(4);
        for (long s = 1; s <= 100; s++) {
            table.lookup(1, s, 1);
            table.record(1, s, new byte[]{(byte)s});
        }
        for (long s = 1; s <= 100; s++) {
            assertThat(table.lookup(1, s, 1)).containsExactly((byte)s);
        }
    }
}
