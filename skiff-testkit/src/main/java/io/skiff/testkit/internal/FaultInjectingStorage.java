package io.skiff.testkit.internal;

import io.skiff.spi.KvStore;
import io.skiff.spi.LogStore;
import io.skiff.spi.PersistentState;
import io.skiff.spi.SnapshotMeta;
import io.skiff.spi.SnapshotStore;
import io.skiff.spi.StateStore;
import io.skiff.spi.Storage;

import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * A storage whose disk can misbehave: every write (log appends, truncations and compactions, state saves, snapshot
 * records and commits) first asks {@link #beforeWrite()}, which throws for a failing disk, and every sync (a log
 * sync, a state save, a snapshot commit) takes {@link #stall()}. The simulated and the real-time disks of the
 * testkit differ only in these hooks and in what they observe. Not exported: the testkit's own packages share it.
 */
public abstract class FaultInjectingStorage implements Storage {
    private final Storage inner;
    private final LogStore log;
    private final StateStore state;
    private final SnapshotStore snapshots;

    protected FaultInjectingStorage(Storage inner) {
        this.inner = inner;
        this.log = new Log(inner.log());
        this.state = new State(inner.state());
        this.snapshots = new Snapshots(inner.snapshots());
    }

    /** Called before every write; throws a {@link io.skiff.StorageException} when the disk fails writes. */
    protected abstract void beforeWrite();

    /** Takes the time a sync takes on this disk. */
    protected abstract void stall();

    /** Called before a log sync, after {@link #beforeWrite()}: where a power cut during the sync happens. */
    protected void beforeLogSync() {
    }

    protected void appended(long index, long term, ByteBuffer entry) {
    }

    protected void truncated(long index) {
    }

    protected void compacted(long index) {
    }

    protected void logSynced() {
    }

    protected void saved(PersistentState saved) {
    }

    /** @return the state a load returns, given what the disk holds: a broken disk may lose part of it. */
    protected PersistentState loaded(PersistentState stored) {
        return stored;
    }

    protected void snapshotCommitted(long index) {
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
    public Optional<KvStore> kvStore() {
        return inner.kvStore();
    }

    @Override
    public void close() {
        inner.close();
    }

    private final class Log extends ForwardingLogStore {
        Log(LogStore store) {
            super(store);
        }

        @Override
        public void append(long index, long term, ByteBuffer entry) {
            beforeWrite();
            super.append(index, term, entry);
            appended(index, term, entry);
        }

        @Override
        public void truncateAfter(long index) {
            beforeWrite();
            super.truncateAfter(index);
            truncated(index);
        }

        @Override
        public void compactUpTo(long index, long term) {
            beforeWrite();
            super.compactUpTo(index, term);
            compacted(index);
        }

        @Override
        public void sync() {
            beforeWrite();
            beforeLogSync();
            stall();
            super.sync();
            logSynced();
        }
    }

    private final class State implements StateStore {
        private final StateStore store;

        State(StateStore store) {
            this.store = store;
        }

        @Override
        public PersistentState load() {
            return loaded(store.load());
        }

        @Override
        public void save(PersistentState saved) {
            beforeWrite();
            stall();
            store.save(saved);
            saved(saved);
        }
    }

    private final class Snapshots implements SnapshotStore {
        private final SnapshotStore store;

        Snapshots(SnapshotStore store) {
            this.store = store;
        }

        @Override
        public Optional<SnapshotMeta> latest() {
            return store.latest();
        }

        @Override
        public Writer create(SnapshotMeta meta) {
            final Writer writer = store.create(meta);
            return new Writer() {
                @Override
                public SnapshotMeta meta() {
                    return writer.meta();
                }

                @Override
                public void append(ByteBuffer record) {
                    beforeWrite();
                    writer.append(record);
                }

                @Override
                public long records() {
                    return writer.records();
                }

                @Override
                public void commit() {
                    beforeWrite();
                    stall();
                    writer.commit();
                    snapshotCommitted(writer.meta().index());
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
        public Optional<Reader> open() {
            return store.open();
        }
    }
}
