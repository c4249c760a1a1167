package io.skiff.core.runtime;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PendingCommandsTest {
    @Test
    void theFloorIsTheOldestUnansweredSequence() {
        final PendingCommands pending = new PendingCommands();
        final Operation a = Operation.command(new byte[0]);
        final Operation b = Operation.command(new byte[0]);
        final Operation c = Operation.command(new byte[0]);
        assertThat(pending.add(a)).isEqualTo(1);
        assertThat(pending.add(b)).isEqualTo(2);
        assertThat(pending.add(c)).isEqualTo(3);
        b.succeed(null);
        pending.remove(b);
        assertThat(pending.floor()).isEqualTo(1);
        assertThat(pending.get(2)).isNull();
        a.succeed(null);
        pending.remove(a);
        assertThat(pending.floor()).isEqualTo(3);
        assertThat(pending.get(3)).isSameAs(c);
        assertThat(pending.size()).isEqualTo(1);
    }

    @Test
    void manyOutstandingCommandsGrowTheRing() {
        final PendingCommands pending = new PendingCommands();
        final Operation[] commands = new Operation[5000];
        for (int i = 0; i < commands.length; i++) {
            commands[i] = Operation.command(new byte[0]);
            pending.add(commands[i]);
        }
        for (int i = 0; i < commands.length; i++) {
            assertThat(pending.get(i + 1)).isSameAs(commands[i]);
        }
        assertThat(pending.get(0)).isNull();
        assertThat(pending.get(5001)).isNull();
    }
}
