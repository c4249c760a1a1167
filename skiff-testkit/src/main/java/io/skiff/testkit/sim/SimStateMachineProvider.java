package io.skiff.testkit.sim;

import io.skiff.spi.Providers;
import io.skiff.spi.SnapshotStore;
import io.skiff.spi.StateMachine;
import io.skiff.spi.StateMachineContext;
import io.skiff.spi.StateMachineProvider;

import java.nio.ByteBuffer;

/** A real key-value state machine ({@code kv} or {@code kv-storage}), with every apply reported to the checker. */
final class SimStateMachineProvider implements StateMachineProvider {
    private final Simulation simulation;
    private final StateMachineProvider kv;

    /**
     * @param name the key-value state machine to wrap: {@code kv} (on the heap) or {@code kv-storage}.
     */
    SimStateMachineProvider(Simulation simulation, String name) {
        this.simulation = simulation;
        this.kv = Providers.stateMachine(name);
    }

    @Override
    public String name() {
        return kv.name();
    }

    @Override
    public StateMachine open(StateMachineContext context) {
        final SimNode machine = simulation.machine(context.address());
        final StateMachine inner = kv.open(context);
        return new StateMachine() {
            @Override
            public long appliedIndex() {
                return inner.appliedIndex();
            }

            @Override
            public byte[] apply(long index, ByteBuffer command) {
                simulation.invariants().onApply(machine, index, command);
                return inner.apply(index, command);
            }

            @Override
            public void commit(long appliedIndex) {
                inner.commit(appliedIndex);
            }

            @Override
            public byte[] query(ByteBuffer query) {
                return inner.query(query);
            }

            @Override
            public void snapshot(SnapshotStore.Writer writer) {
                inner.snapshot(writer);
            }

            @Override
            public void restore(SnapshotStore.Reader reader) {
                inner.restore(reader);
            }

            @Override
            public void close() {
                inner.close();
            }
        };
    }
}
