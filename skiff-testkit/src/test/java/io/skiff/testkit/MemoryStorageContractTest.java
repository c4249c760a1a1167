package io.skiff.testkit;

import io.skiff.NodeAddress;
import io.skiff.SkiffOptions;
import io.skiff.core.storage.MemoryStorageProvider;
import io.skiff.spi.Storage;
import io.skiff.spi.StorageContext;
import io.skiff.testkit.spi.KvStoreContract;
import io.skiff.testkit.spi.LogStoreContract;
import io.skiff.testkit.spi.SnapshotStoreContract;
import io.skiff.testkit.spi.StateStoreContract;
import org.junit.jupiter.api.Nested;

import java.nio.file.Path;

/** The storage SPI contract, run against {@link MemoryStorageProvider}; each test gets a new provider. */
class MemoryStorageContractTest {
    private static final NodeAddress NODE = NodeAddress.parse("/mem/node");

    private final MemoryStorageProvider provider = new MemoryStorageProvider();

    Storage openMemoryStorage() {
        return provider.open(new StorageContext(NODE, SkiffOptions.defaults(), Path.of("unused")));
    }

    @Nested
    class Log extends LogStoreContract {
        @Override
        protected Storage openStorage() {
            return openMemoryStorage();
        }
    }

    @Nested
    class State extends StateStoreContract {
        @Override
        protected Storage openStorage() {
            return openMemoryStorage();
        }
    }

    @Nested
    class Snapshots extends SnapshotStoreContract {
        @Override
        protected Storage openStorage() {
            return openMemoryStorage();
        }
    }

    @Nested
    class Kv extends KvStoreContract {
        @Override
        protected Storage openStorage() {
            return openMemoryStorage();
        }
    }
}
