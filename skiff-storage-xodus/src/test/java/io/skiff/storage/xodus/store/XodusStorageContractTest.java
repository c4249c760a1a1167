package io.skiff.storage.xodus.store;

import io.skiff.spi.Storage;
import io.skiff.testkit.spi.KvStoreContract;
import io.skiff.testkit.spi.LogStoreContract;
import io.skiff.testkit.spi.SnapshotStoreContract;
import io.skiff.testkit.spi.StateStoreContract;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The storage SPI contract from skiff-testkit, run against Xodus storage; each test gets its own directory. */
class XodusStorageContractTest {
    @TempDir
    Path dir;

    Storage openXodus() {
        return TestStorage.open(dir);
    }

    @Nested
    class Log extends LogStoreContract {
        @Override
        protected Storage openStorage() {
            return openXodus();
        }
    }

    /** The log contract again with segments of 8 entries, so that its logs cross segment boundaries. */
    @Nested
    class SmallSegmentLog extends LogStoreContract {
        @Override
        protected Storage openStorage() {
            return TestStorage.open(dir, 3);
        }
    }

    @Nested
    class State extends StateStoreContract {
        @Override
        protected Storage openStorage() {
            return openXodus();
        }
    }

    @Nested
    class Snapshots extends SnapshotStoreContract {
        @Override
        protected Storage openStorage() {
            return openXodus();
        }
    }

    @Nested
    class Kv extends KvStoreContract {
        @Override
        protected Storage openStorage() {
            return openXodus();
        }
    }
}
