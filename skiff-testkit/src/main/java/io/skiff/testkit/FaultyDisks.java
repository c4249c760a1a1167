package io.skiff.testkit;

import io.skiff.NodeAddress;
import io.skiff.StorageException;
import io.skiff.core.storage.MemoryStorageProvider;
import io.skiff.spi.KvStore;
import io.skiff.spi.LogStore;
import io.skiff.spi.PersistentState;
import io.skiff.spi.SnapshotStore;
import io.skiff.spi.StateStore;
import io.skiff.spi.Storage;
import io.skiff.spi.StorageContext;
import io.skiff.spi.StorageProvider;
import io.skiff.testkit.internal.ForwardingLogStore;
import io.skiff.testkit.sim.DiskFaults;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * The in-memory disks of a {@link LocalCluster}, with real-time faults per node: slow syncs stall the node's loop
 * for real, and a failing disk refuses every write, which the node reports by stopping rather than acknowledging
 * what it could not persist. What was not synced is lost on a {@link #crash}.
 */
final class FaultyDisks implements StorageProvider {
    private final MemoryStorageProvider disks = new MemoryStorageProvider();
    private final Map<NodeAddress, DiskFaults> faults = new ConcurrentHashMap<>();

    @Override
    public String name() {
        return MemoryStorageProvider.NAME;
    }

    @Override
    public Storage open(StorageContext context) {
        final Storage storage = disks.open(context);
        return new FaultyStorage(context.address(), storage);
    }

    /** Sets how a node's disk behaves from now on, for its current and later incarnations. */
    void faults(NodeAddress address, DiskFaults disk) {
        faults.put(address, disk);
    }

    /** Loses what the node's storage had not synced; its storage must be closed (the node stopped). */
    void crash(NodeAddress address) {
        disks.crash(address);
    }

    private final class FaultyStorage implements Storage {
        private final NodeAddress address;
        private final Storage inner;
        private final LogStore log;
        private final StateStore state;

        FaultyStorage(NodeAddress address, Storage inner) {
            this.address = address;
            this.inner = inner;
            this.log = new FaultyLog(inner.log());
            this.state = new FaultyState(inner.state());
        }

        private void write() {
            final DiskFaults disk = faults.get(address);
            if (null != disk && disk.failWrites()) {
                throw new StorageException("the disk of " + address + " failed a write (injected by LocalCluster)");
            }
        }

        /** A node whose disk was never given faults syncs at memory speed; one that was takes its sync latency. */
        private void sync() {
            write();
            final DiskFaults disk = faults.get(address);
            if (null != disk && disk.syncLatencyNs() > 0) {
                final long doneNs = System.nanoTime() + disk.syncLatencyNs();
                long leftNs;
                // A park may end early; a sync may not.
                while ((leftNs = doneNs - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(leftNs);
                }
            }
        }

        @Override
        public LogStore log() {
            return log;
        }

        @Override
        public StateStore state() {
            return state;
        }

        @Override
        public SnapshotStore snapshots() {
            return inner.snapshots();
        }

        @Override
        public Optional<KvStore> kvStore() {
            return inner.kvStore();
        }

        @Override
        public void close() {
            inner.close();
        }

        private final class FaultyLog extends ForwardingLogStore {
            FaultyLog(LogStore store) {
                super(store);
            }

            @Override
            public void append(long index, long term, ByteBuffer entry) {
                write();
                super.append(index, term, entry);
            }

            @Override
            public void truncateAfter(long index) {
                write();
                super.truncateAfter(index);
            }

            @Override
            public void compactUpTo(long index, long term) {
                write();
                super.compactUpTo(index, term);
            }

            @Override
            public void sync() {
                FaultyStorage.this.sync();
                super.sync();
            }
        }

        private final class FaultyState implements StateStore {
            private final StateStore store;

            FaultyState(StateStore store) {
                this.store = store;
            }

            @Override
            public PersistentState load() {
                return store.load();
            }

            @Override
            public void save(PersistentState saved) {
                FaultyStorage.this.sync();
                store.save(saved);
            }
        }
    }
}
