package io.skiff.testkit.sim;

import io.skiff.StorageException;
import io.skiff.spi.LogStore;
import io.skiff.spi.PersistentState;
import io.skiff.spi.SnapshotStore;
import io.skiff.spi.StateStore;
import io.skiff.spi.Storage;
import io.skiff.testkit.internal.ForwardingLogStore;

import java.nio.ByteBuffer;

/**
 * A node's simulated disk: the in-memory storage, observed by the invariant checker and subject to the node's
 * {@link DiskFaults}. It remembers the last index made durable, which is what survives a crash.
 */
final class SimStorage implements Storage {
    private final SimNode node;
    private final Storage inner;
    private final LogStore log;
    private final StateStore state;
    private final SnapshotStore snapshots;
    private long syncedIndex;
    private long firstUnsyncedTerm = -1;
    private byte[] firstUnsynced;

    SimStorage(SimNode node, Storage inner) {
        this.node = node;
        this.inner = inner;
        this.log = new Log(inner.log());
        this.state = new State(inner.state());
        this.snapshots = new Snapshots(inner.snapshots());
        this.syncedIndex = inner.log().lastIndex();
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
        return snapshots;
    }

    @Override
    public java.util.Optional<io.skiff.spi.KvStore> kvStore() {
        return inner.kvStore();
    }

    @Override
    public void close() {
        inner.close();
    }

    /** The first entry appended since the last sync, kept to leave it torn on a crash. */
    byte[] firstUnsyncedEntry() {
        return firstUnsynced;
    }

    long firstUnsyncedTerm() {
        return firstUnsyncedTerm;
    }

    long syncedIndex() {
        return syncedIndex;
    }

    private void checkDisk() {
        if (node.disk().failWrites()) {
            throw new StorageException("simulated disk of " + node.address() + " failed a write");
        }
    }

    private final class Log extends ForwardingLogStore {
        Log(LogStore store) {
            super(store);
        }

        @Override
        public void append(long index, long term, ByteBuffer entry) {
            checkDisk();
            if (null == firstUnsynced) {
                firstUnsynced = new byte[entry.remaining()];
                entry.duplicate().get(firstUnsynced);
                firstUnsyncedTerm = term;
            }
            super.append(index, term, entry);
            node.observer().onAppend(node, index, term, entry);
        }

        @Override
        public void truncateAfter(long index) {
            checkDisk();
            super.truncateAfter(index);
            node.observer().onTruncate(node, index);
        }

        @Override
        public void compactUpTo(long index, long term) {
            checkDisk();
            super.compactUpTo(index, term);
            node.observer().onCompact(node, index);
        }

        @Override
        public void sync() {
            checkDisk();
            if (node.random().nextDouble() < node.disk().crashOnSyncProbability()) {
                throw new SimulatedCrash("power lost during a sync on " + node.address());
            }
            node.spend(node.disk().syncLatencyNs());
            super.sync();
            syncedIndex = lastIndex();
            firstUnsynced = null;
            firstUnsyncedTerm = -1;
        }
    }

    private final class State implements StateStore {
        private final StateStore store;

        State(StateStore store) {
            this.store = store;
        }

        @Override
        public PersistentState load() {
            final PersistentState loaded = store.load();
            if (node.disk().forgetVote() && null != loaded.votedFor()) {
                return new PersistentState(loaded.clusterId(), loaded.term(), null, loaded.members());
            }
            return loaded;
        }

        @Override
        public void save(PersistentState saved) {
            checkDisk();
            node.spend(node.disk().syncLatencyNs());
            store.save(saved);
            node.observer().onVote(node, saved.term(), saved.votedFor());
        }
    }

    /** Snapshots, with each commit reported: entries a committed snapshot covers may leave the log. */
    private final class Snapshots implements SnapshotStore {
        private final SnapshotStore store;

        Snapshots(SnapshotStore store) {
            this.store = store;
        }

        @Override
        public java.util.Optional<io.skiff.spi.SnapshotMeta> latest() {
            return store.latest();
        }

        @Override
        public Writer create(io.skiff.spi.SnapshotMeta meta) {
            final Writer writer = store.create(meta);
            return new Writer() {
                @Override
                public io.skiff.spi.SnapshotMeta meta() {
                    return writer.meta();
                }

                @Override
                public void append(ByteBuffer record) {
                    checkDisk();
                    writer.append(record);
                }

                @Override
                public long records() {
                    return writer.records();
                }

                @Override
                public void commit() {
                    checkDisk();
                    node.spend(node.disk().syncLatencyNs());
                    writer.commit();
                    node.observer().onSnapshot(node, writer.meta().index());
                }

                @Override
                public void abort() {
                    writer.abort();
                }

                @Override
                public void close() {
                    writer.close();
                }
            };
        }

        @Override
        public java.util.Optional<Reader> open() {
            return store.open();
        }
    }
}
