package io.skiff.testkit;

import io.skiff.spi.SnapshotStore;
import io.skiff.spi.StateMachine;
import io.skiff.spi.StateMachineContext;
import io.skiff.spi.StateMachineProvider;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A state machine that is not idempotent: each command carries a number that is appended to a tally, so a command
 * applied twice shows up twice. A command's answer is its position in the tally; a query answers the whole tally.
 */
final class TallyStateMachine implements StateMachine {
    static final String NAME = "tally";

    private final List<Long> tally = new ArrayList<>();

    /** @return a provider that opens an empty tally for every node. */
    static StateMachineProvider provider() {
        return new StateMachineProvider() {
            @Override
            public String name() {
                return NAME;
            }

            @Override
            public StateMachine open(StateMachineContext context) {
                return new TallyStateMachine();
            }
        };
    }

    /**
     * @param number the number to append.
     * @return the command.
     */
    static byte[] command(long number) {
        return ByteBuffer.allocate(Long.BYTES).putLong(number).array();
    }

    /**
     * @param answer a command's answer.
     * @return the position its number took in the tally.
     */
    static long position(byte[] answer) {
        return ByteBuffer.wrap(answer).getLong();
    }

    /**
     * @param answer a query's answer.
     * @return the tally.
     */
    static List<Long> tally(byte[] answer) {
        final ByteBuffer buffer = ByteBuffer.wrap(answer);
        final List<Long> numbers = new ArrayList<>();
        while (buffer.hasRemaining()) {
            numbers.add(buffer.getLong());
        }
        return numbers;
    }

    @Override
    public long appliedIndex() {
        return 0;
    }

    @Override
    public byte[] apply(long index, ByteBuffer command) {
        tally.add(command.getLong(command.position()));
        return ByteBuffer.allocate(Long.BYTES).putLong(tally.size() - 1).array();
    }

    @Override
    public byte[] query(ByteBuffer query) {
        final ByteBuffer answer = ByteBuffer.allocate(tally.size() * Long.BYTES);
        tally.forEach(answer::putLong);
        return answer.array();
    }

    @Override
    public void snapshot(SnapshotStore.Writer writer) {
        for (long number : tally) {
            writer.append(ByteBuffer.allocate(Long.BYTES).putLong(0, number));
        }
    }

    @Override
    public void restore(SnapshotStore.Reader reader) {
        tally.clear();
        long record = 0;
        int read;
        while ((read = reader.read(record, 1024, Integer.MAX_VALUE,
            buffer -> tally.add(buffer.getLong(buffer.position())))) > 0) {
            record += read;
        }
    }

    @Override
    public void close() {
    }
}
