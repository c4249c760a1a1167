package io.skiff.core.storage;

import io.skiff.NodeAddress;
import io.skiff.spi.Storage;
import io.skiff.spi.StorageContext;
import io.skiff.spi.StorageProvider;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Storage on the heap, named {@value #NAME}: the log, term and vote, and snapshots of every node opened through
 * this instance, kept by node address.
 *
 * <p>The instance is the "disk": closing a node's storage and opening the same address again on the same instance
 * finds the data (a restart), while a new instance starts empty. {@link java.util.ServiceLoader} creates a new
 * instance for every lookup, so nodes that should survive restarts are given one instance through
 * {@link io.skiff.SkiffOptions.Builder#storage(StorageProvider)}.
 *
 * <p>Durability follows the SPI exactly, so that tests see what a real disk would keep: {@link #crash} loses every
 * log append, truncation and compaction made since the last {@link io.skiff.spi.LogStore#sync()} and every
 * snapshot not committed, while {@link io.skiff.spi.StateStore#save} and a snapshot commit are durable on return.
 * A clean {@link Storage#close()} loses nothing. The cost of tracking this is kept off the hot path: a sync
 * records a few indexes and appends copy nothing but the entry itself.
 *
 * <p>Thread-safe: one node's storage is used by one thread at a time, while opening, closing and crashing may come
 * from any thread.
 */
public final class MemoryStorageProvider implements StorageProvider {
    /** The name options select this provider by. */
    public static final String NAME = "memory";

    private final ConcurrentMap<NodeAddress, NodeStorage> nodes = new ConcurrentHashMap<>();

    /** Creates a provider whose disk is empty. */
    public MemoryStorageProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    /**
     * Opens the storage of {@code context.address()}, with the data it had when last closed on this instance.
     *
     * @param context the node; its options and directory are not used.
     * @return the storage.
     * @throws io.skiff.StorageException when the storage of this address is already open.
     */
    @Override
    public Storage open(StorageContext context) {
        final NodeAddress address = Objects.requireNonNull(Objects.requireNonNull(context, "context").address(),
            "context.address");
        return nodes.computeIfAbsent(address, NodeStorage::new).open();
    }

    /**
     * Simulates a power loss at a node whose storage is closed: the log goes back to exactly what it held at its
     * last sync, and snapshots that were being written vanish. Saved state and committed snapshots stay. A node
     * that never opened storage here has nothing to lose.
     *
     * @param address the node.
     * @throws IllegalStateException when the node's storage is open; stop the node first.
     */
    public void crash(NodeAddress address) {
        final NodeStorage node = nodes.get(Objects.requireNonNull(address, "address"));
        if (null != node) {
            node.crash();
        }
    }
}
