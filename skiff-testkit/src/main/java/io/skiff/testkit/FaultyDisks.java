package io.skiff.testkit;

import io.skiff.NodeAddress;
import io.skiff.StorageException;
import io.skiff.core.storage.MemoryStorageProvider;
import io.skiff.spi.Storage;
import io.skiff.spi.StorageContext;
import io.skiff.spi.StorageProvider;
import io.skiff.testkit.internal.FaultInjectingStorage;
import io.skiff.testkit.sim.DiskFaults;

import java.util.Map;
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
        return new FaultyStorage(context.address(), disks.open(context));
    }

    /** Sets how a node's disk behaves from now on, for its current and later incarnations. */
    void faults(NodeAddress address, DiskFaults disk) {
        faults.put(address, disk);
    }

    /** Loses what the node's storage had not synced; its storage must be closed (the node stopped). */
    void crash(NodeAddress address) {
        disks.crash(address);
    }

    /** A node whose disk was never given faults writes and syncs at memory speed. */
    private final class FaultyStorage extends FaultInjectingStorage {
        private final NodeAddress address;

        FaultyStorage(NodeAddress address, Storage inner) {
            super(inner);
            this.address = address;
        }

        @Override
        protected void beforeWrite() {
            final DiskFaults disk = faults.get(address);
            if (null != disk && disk.failWrites()) {
                throw new StorageException("the disk of " + address + " failed a write (injected by LocalCluster)");
            }
        }

        @Override
        protected void stall() {
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
    }
}
