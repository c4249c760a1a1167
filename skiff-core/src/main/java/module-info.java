/**
 * The Skiff implementation: the Raft core, its runtime and codec, in-memory storage and the key-value state machine.
 */
module io.skiff.core {
    requires transitive io.skiff;
    requires org.agrona;

    provides io.skiff.spi.StateMachineProvider with io.skiff.core.kv.KvStateMachineProvider;
}
