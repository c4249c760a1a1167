package io.skiff.storage.xodus.store;

import io.skiff.spi.PersistentState;
import io.skiff.spi.StateStore;
import jetbrains.exodus.env.Transaction;

import java.util.Objects;

/**
 * Term, vote and initial membership in the {@code state} record of {@link MetaStore}. Loaded and verified on open;
 * {@link #save} commits at once, taking along whatever log writes are pending (making them durable early is
 * harmless).
 */
final class XodusStateStore implements StateStore {
    private final GroupCommit group;
    private final MetaStore meta;
    private PersistentState state;

    private XodusStateStore(GroupCommit group, MetaStore meta, PersistentState state) {
        this.group = group;
        this.meta = meta;
        this.state = state;
    }

    static XodusStateStore open(GroupCommit group, MetaStore meta, Transaction txn) {
        final PersistentState saved = meta.state(txn);
        return new XodusStateStore(group, meta, null == saved ? PersistentState.EMPTY : saved);
    }

    @Override
    public PersistentState load() {
        group.checkUsable();
        return state;
    }

    @Override
    public void save(PersistentState state) {
        final byte[] encoded = PersistentStateCodec.encode(Objects.requireNonNull(state, "state"));
        final Transaction txn = group.write();
        try {
            meta.putState(txn, encoded);
        } catch (RuntimeException e) {
            throw group.fail("cannot save the persistent state", e);
        }
        group.commit();
        this.state = state;
    }
}
