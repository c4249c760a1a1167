package io.skiff.core.kv;

import io.skiff.InvalidOptionsException;
import io.skiff.spi.StateMachine;
import io.skiff.spi.StateMachineContext;
import io.skiff.spi.StateMachineProvider;

/**
 * Provides the {@code kv-storage} state machine: the same key-value map as {@code kv}, but resident in the
 * storage's {@link io.skiff.spi.KvStore} (for example Xodus), committed with the applied index after each batch.
 * Data may exceed memory and a restart resumes without replaying the log from a snapshot; writes are bounded by
 * the store's own put rate.
 */
public final class StorageKvStateMachineProvider implements StateMachineProvider {
    /** The name options select this provider by. */
    public static final String NAME = "kv-storage";

    @Override
    public String name() {
        return NAME;
    }

    /**
     * @throws InvalidOptionsException when the node's storage keeps no key-value store.
     */
    @Override
    public StateMachine open(StateMachineContext context) {
        return new KvStateMachine(new StoreKvData(context.storage().kvStore().orElseThrow(() ->
            new InvalidOptionsException("state machine '" + NAME + "' keeps its data in the storage, but storage '"
                + context.options().storage() + "' keeps no key-value store; use a storage that keeps one (such as "
                + "'xodus' or 'memory') or the state machine 'kv'"))));
    }
}
