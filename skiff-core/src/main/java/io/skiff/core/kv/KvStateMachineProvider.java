package io.skiff.core.kv;

import io.skiff.spi.StateMachine;
import io.skiff.spi.StateMachineContext;
import io.skiff.spi.StateMachineProvider;

import java.util.Objects;

/**
 * Provides the {@code kv} state machine, the default of {@link io.skiff.SkiffOptions#stateMachine()}: the in-memory
 * ordered map of {@link KvStateMachine}, kept across restarts by the node's snapshots and log.
 */
public final class KvStateMachineProvider implements StateMachineProvider {
    /** The name options select this provider by. */
    public static final String NAME = "kv";

    @Override
    public String name() {
        return NAME;
    }

    /**
     * @param context the node; the in-memory map needs nothing from it.
     * @return a new, empty map.
     */
    @Override
    public StateMachine open(StateMachineContext context) {
        Objects.requireNonNull(context, "context");
        return new KvStateMachine();
    }
}
