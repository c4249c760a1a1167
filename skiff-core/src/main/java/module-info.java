/**
 * The Skiff node implementation: the deterministic Raft core, its runtime, the codec, in-memory storage and the
 * key-value state machine. Internals are exported only to the testkit and the benchmarks.
 *
 * @provides io.skiff.spi.NodeFactory
 * @provides io.skiff.spi.StorageProvider
 * @provides io.skiff.spi.StateMachineProvider
 */
module io.skiff.core {
    requires transitive io.skiff;
    requires org.agrona;

    exports io.skiff.core.codec to io.skiff.testkit, io.skiff.benchmarks;
    exports io.skiff.core.raft to io.skiff.testkit, io.skiff.benchmarks;
    exports io.skiff.core.runtime to io.skiff.testkit, io.skiff.benchmarks;
    exports io.skiff.core.storage to io.skiff.testkit, io.skiff.benchmarks;

    provides io.skiff.spi.NodeFactory with io.skiff.core.runtime.CoreNodeFactory;
    provides io.skiff.spi.StorageProvider with io.skiff.core.storage.MemoryStorageProvider;
    provides io.skiff.spi.StateMachineProvider with io.skiff.core.kv.KvStateMachineProvider,
        io.skiff.core.kv.StorageKvStateMachineProvider;
}
