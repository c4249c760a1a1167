package io.skiff.benchmarks;

import io.skiff.NodeAddress;
import io.skiff.SkiffOptions;
import io.skiff.core.codec.FrameDecoder;
import io.skiff.core.codec.FrameEncoder;
import io.skiff.core.codec.FrameHeader;
import io.skiff.core.codec.MessageLayout;
import io.skiff.core.codec.MessageType;
import io.skiff.core.raft.Configuration;
import io.skiff.core.raft.CoreConfig;
import io.skiff.core.raft.Outbox;
import io.skiff.core.raft.Peer;
import io.skiff.core.raft.RaftCore;
import io.skiff.core.raft.RaftLog;
import io.skiff.core.raft.Role;
import io.skiff.core.storage.MemoryStorageProvider;
import io.skiff.spi.LogStore;
import io.skiff.spi.PersistentState;
import io.skiff.spi.Storage;
import io.skiff.spi.StorageContext;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The leader of a three-node cluster whose followers exist only as their answers: a {@link RaftCore} on in-memory
 * storage, driven by the runtime's output contract with no threads, clock or network. Every AppendEntries the core
 * puts in its outbox is answered at once with a success frame from that follower, encoded and decoded by the real
 * codec, so the cost measured is the leader's own: proposing, encoding appends, persisting, decoding and
 * counting acknowledgements, committing.
 */
final class LoneLeader implements AutoCloseable {
    private static final String CLUSTER = "bench";
    /** The log is compacted behind the commit index once it holds this many entries, so memory stays bounded. */
    private static final long RETAINED_ENTRIES = 64 * 1024;

    private final NodeAddress self = NodeAddress.parse("/mem/leader");
    private final List<NodeAddress> followers = List.of(NodeAddress.parse("/mem/f1"), NodeAddress.parse("/mem/f2"));
    private final Outbox outbox = new Outbox();
    private final Storage storage;
    private final RaftCore core;
    private final FrameDecoder<Peer> decoder;
    private final FrameEncoder[] followerEncoders = new FrameEncoder[2];
    private final MutableDirectBuffer response = new UnsafeBuffer(ByteBuffer.allocateDirect(1024));
    private final UnsafeBuffer command;

    LoneLeader(int commandBytes) {
        final long clusterId = FrameHeader.clusterIdHash(CLUSTER);
        storage = new MemoryStorageProvider().open(new StorageContext(self, SkiffOptions.defaults(), Path.of(".")));
        final QuietListener listener = new QuietListener();
        final List<NodeAddress> members = List.of(self, followers.get(0), followers.get(1));
        core = new RaftCore(self, Configuration.of(members), 0, 0, null, new RaftLog(storage.log()),
            CoreConfig.from(SkiffOptions.defaults()), new SplittableRandom(1), outbox,
            new FrameEncoder(clusterId, self.toString()), listener, listener, 0);
        decoder = new FrameDecoder<>(clusterId, core::resolve);
        for (int i = 0; i < followers.size(); i++) {
            followerEncoders[i] = new FrameEncoder(clusterId, followers.get(i).toString());
        }
        command = new UnsafeBuffer(ByteBuffer.allocateDirect(commandBytes));
        elect();
    }

    /** Wins a pre-vote and a vote with both followers' grants, then commits the new term's first entry. */
    private void elect() {
        core.campaign();
        for (boolean preVote : new boolean[] {true, false}) {
            final long term = preVote ? core.term() + 1 : core.term();
            for (NodeAddress follower : followers) {
                core.onVoteResponse(core.peer(follower), term, preVote, true, core.electionRound());
            }
            persist();
            outbox.clear();
        }
        if (core.role() != Role.LEADER) {
            throw new IllegalStateException("expected to lead after every vote was granted, actual role "
                + core.role());
        }
        step();
    }

    /**
     * Proposes {@code batch} commands and runs the core until all of them are committed.
     *
     * @return the commit index.
     */
    long commit(int batch) {
        for (int i = 0; i < batch; i++) {
            if (core.propose(command, 0, command.capacity()) == RaftCore.NOT_LEADER) {
                throw new IllegalStateException("expected the benchmark core to lead, actual role " + core.role());
            }
        }
        return step();
    }

    private long step() {
        final long last = core.log().lastIndex();
        while (core.commitIndex() < last) {
            core.flush();
            persist();
            core.onPersisted();
            acknowledge();
            outbox.clear();
        }
        core.onApplied(core.commitIndex());
        compact();
        return core.commitIndex();
    }

    /** Persists the term, vote and unstable entries as the runtime does: one sync for the whole batch. */
    private void persist() {
        if (core.hardStateDirty()) {
            storage.state().save(new PersistentState(CLUSTER, core.term(), core.votedFor(),
                storage.state().load().members()));
            core.clearHardStateDirty();
        }
        final RaftLog log = core.log();
        if (log.unstableCount() > 0) {
            final LogStore store = storage.log();
            for (int i = 0; i < log.unstableCount(); i++) {
                store.append(log.unstableOffset() + i, log.unstableTerm(i), log.unstableEntry(i));
            }
            store.sync();
            log.markPersisted();
        }
    }

    /** Answers every AppendEntries in the outbox with its follower's success frame, through the codec. */
    private void acknowledge() {
        final DirectBuffer frames = outbox.buffer();
        for (int i = 0; i < outbox.count(); i++) {
            final int offset = outbox.offset(i);
            if (FrameHeader.type(frames, offset) != MessageType.APPEND_REQUEST) {
                continue;
            }
            final int body = offset + FrameHeader.SENDER_OFFSET + FrameHeader.senderLength(frames, offset);
            final long lastSent = frames.getLong(body + MessageLayout.APPEND_PREV_INDEX, FrameHeader.BYTE_ORDER)
                + frames.getInt(body + MessageLayout.APPEND_COUNT, FrameHeader.BYTE_ORDER);
            final FrameEncoder encoder = followerEncoders[followers.indexOf(outbox.destination(i).address())];
            final int length = encoder.appendResponse(response, 0, core.term(), true, lastSent, 0, 0);
            final int result = decoder.decode(response, 0, length, core);
            if (result != FrameDecoder.OK) {
                throw new IllegalStateException("expected the acknowledgement to decode, actual "
                    + decoder.describeLastError());
            }
        }
    }

    private void compact() {
        final LogStore store = storage.log();
        if (store.lastIndex() - store.firstIndex() > 2 * RETAINED_ENTRIES) {
            final long upTo = core.commitIndex() - RETAINED_ENTRIES;
            store.compactUpTo(upTo, store.term(upTo));
        }
    }

    @Override
    public void close() {
        storage.close();
    }
}
