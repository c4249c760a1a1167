/**
 * The Skiff node implementation: the Raft core, its runtime and codec, and the in-memory storage.
 *
 * @provides io.skiff.spi.StorageProvider the in-memory storage named {@code memory}
 */
module io.skiff.core {
    requires transitive io.skiff;
    requires org.agrona;

    exports io.skiff.core.storage to io.skiff.testkit;

    provides io.skiff.spi.StorageProvider with io.skiff.core.storage.MemoryStorageProvider;
}
