package io.skiff.spi;

/** Opens a node's replicated state machine; selected by {@link io.skiff.SkiffOptions#stateMachine()}. */
public interface StateMachineProvider {
    /** @return the name options select this provider by, e.g. {@code kv}. */
    String name();

    /**
     * Opens one node's state machine.
     *
     * @param context the node, its options and its storage.
     * @return the state machine, owned by the node from now on.
     */
    StateMachine open(StateMachineContext context);
}
