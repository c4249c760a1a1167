package io.skiff.core.raft;

import io.skiff.NodeAddress;
import io.skiff.NodeState;
import io.skiff.SkiffOptions;
import io.skiff.core.codec.FrameDecoder;
import io.skiff.core.codec.FrameEncoder;
import io.skiff.core.codec.FrameHeader;
import io.skiff.core.codec.LogEntry;
import io.skiff.core.codec.SnapshotChunk;
import io.skiff.core.runtime.SnapshotReceiver;
import io.skiff.core.storage.MemoryStorageProvider;
import io.skiff.spi.LogStore;
import io.skiff.spi.PersistentState;
import io.skiff.spi.SnapshotMeta;
import io.skiff.spi.Storage;
import io.skiff.spi.StorageContext;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Predicate;

/**
 * Drives several {@link RaftCore}s in virtual time with no threads: frames go into one FIFO network that the test
 * delivers, drops or reorders, and each node persists to its own in-memory storage exactly as the runtime does
 * (send, persist, send what waited, apply). A {@link #stall stalled} node holds the frames that arrive for it, and
 * {@link #resume} handles them all in one duty cycle with one persist, as the runtime does with the frames that
 * piled up while its loop did not run. Snapshots live in each node's storage and are received as the runtime
 * receives them (a node has no state machine: a snapshot is its metadata and one record). The same calls always
 * give the same run.
 */
final class RaftHarness {
    static final long MS = 1_000_000L;
    static final String CLUSTER = "harness";
    /** A frame in flight. */
    record Frame(NodeAddress from, NodeAddress to, byte[] bytes) {
        int type() {
            return FrameHeader.type(new UnsafeBuffer(bytes), 0);
        }

        /** @return the prevIndex of an AppendEntries frame. */
        long prevIndex() {
            final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
            final int body = FrameHeader.SENDER_OFFSET + FrameHeader.senderLength(buffer, 0);
            return buffer.getLong(body + io.skiff.core.codec.MessageLayout.APPEND_PREV_INDEX, FrameHeader.BYTE_ORDER);
        }

        @Override
        public String toString() {
            return from + "->" + to + " " + io.skiff.core.codec.MessageType.name(type());
        }
    }

    final class Node implements RaftListener, SnapshotTransfer {
        final NodeAddress address;
        /** The configuration it starts from with empty storage: a founder's includes itself, a joiner's does not. */
        final List<NodeAddress> initialMembers;
        final Outbox outbox = new Outbox();
        final List<Long> readsGranted = new ArrayList<>();
        final List<Long> readsFailed = new ArrayList<>();
        final List<NodeState> states = new ArrayList<>();
        final List<Configuration> committedConfigurations = new ArrayList<>();
        final List<String> membershipResults = new ArrayList<>();
        /** The strangers this node admitted and forgot, in order. */
        final List<NodeAddress> strangersHeard = new ArrayList<>();
        final List<NodeAddress> strangersForgotten = new ArrayList<>();
        Storage storage;
        RaftCore core;
        FrameDecoder<Peer> decoder;
        SnapshotReceiver receiver;
        boolean down;
        /** Frames that arrived while the node was stalled, handled together by {@link #resume}. */
        final List<Frame> held = new ArrayList<>();
        boolean stalled;

        Node(NodeAddress address, List<NodeAddress> initialMembers) {
            this.address = address;
            this.initialMembers = initialMembers;
        }

        void boot() {
            storage = storageProvider.open(new StorageContext(address, SkiffOptions.defaults(), Path.of("unused")));
            final PersistentState state = storage.state().load();
            final List<NodeAddress> members = state.members().isEmpty() ? initialMembers : state.members();
            if (state.members().isEmpty()) {
                storage.state().save(new PersistentState(CLUSTER, state.term(), state.votedFor(), members));
            }
            core = new RaftCore(address, Configuration.of(members), 0, state.term(), state.votedFor(),
                new RaftLog(storage.log()), config,
                new SplittableRandom(seed ^ address.hashCode()), outbox,
                new FrameEncoder(FrameHeader.clusterIdHash(CLUSTER), address.toString()), this, this, now);
            receiver = new SnapshotReceiver(storage.snapshots());
            decoder = new FrameDecoder<>(FrameHeader.clusterIdHash(CLUSTER), core::resolve);
            down = false;
        }

        /** Runs the runtime's output contract once. */
        void process() {
            core.flush();
            final int immediate = outbox.count();
            for (int i = 0; i < immediate; i++) {
                if (!outbox.waitsPersist(i)) {
                    emit(i);
                }
            }
            if (core.hardStateDirty()) {
                storage.state().save(new PersistentState(CLUSTER, core.term(), core.votedFor(),
                    storage.state().load().members()));
                core.clearHardStateDirty();
            }
            final RaftLog log = core.log();
            if (log.unstableCount() > 0 || log.pendingTruncation() >= 0) {
                final LogStore store = storage.log();
                if (log.pendingTruncation() >= 0) {
                    store.truncateAfter(log.pendingTruncation());
                }
                for (int i = 0; i < log.unstableCount(); i++) {
                    store.append(log.unstableOffset() + i, log.unstableTerm(i), log.unstableEntry(i));
                }
                store.sync();
                log.markPersisted();
            }
            core.onPersisted();
            for (int i = 0; i < outbox.count(); i++) {
                if (i >= immediate || outbox.waitsPersist(i)) {
                    emit(i);
                }
            }
            outbox.clear();
            core.onApplied(Math.min(core.commitIndex(), log.persistedIndex()));
        }

        private void emit(int i) {
            final byte[] bytes = new byte[outbox.length(i)];
            outbox.buffer().getBytes(outbox.offset(i), bytes);
            network.add(new Frame(address, outbox.destination(i).address(), bytes));
        }

        /**
         * Takes a snapshot at an applied index, as the runtime does, and compacts the log up to {@code keep} entries
         * before it.
         */
        void snapshot(long index, long keep) {
            if (index > core.appliedIndex()) {
                throw new IllegalArgumentException("snapshot at " + index + " beyond the applied index "
                    + core.appliedIndex());
            }
            final long term = core.log().term(index);
            try (io.skiff.spi.SnapshotStore.Writer writer = storage.snapshots().create(new SnapshotMeta(index, term,
                core.configurationAt(index).encode(), -1))) {
                writer.append(ByteBuffer.wrap(("state at " + index).getBytes(StandardCharsets.US_ASCII)));
                writer.commit();
            }
            final LogStore store = storage.log();
            final long compactTo = index - keep;
            if (compactTo >= store.firstIndex()) {
                store.compactUpTo(compactTo, core.log().term(compactTo));
                store.sync();
            }
        }

        /** @return whether the node's storage holds the entry (or a snapshot covering it), synced or not. */
        boolean stores(long index, long term) {
            final LogStore store = storage.log();
            if (index < store.firstIndex()) {
                return storage.snapshots().latest().map(meta -> meta.index() >= index).orElse(false);
            }
            return index <= store.lastIndex() && store.term(index) == term;
        }

        @Override
        public io.skiff.spi.SnapshotStore.Reader openLatest() {
            return storage.snapshots().open().orElse(null);
        }

        @Override
        public long accept(SnapshotChunk chunk) {
            final long next = receiver.receive(chunk);
            if (next == INSTALLED) {
                SnapshotReceiver.alignLog(storage.log(), chunk.snapshotIndex(), chunk.snapshotTerm());
            }
            return next;
        }

        @Override
        public void abandon() {
            receiver.abandon();
        }

        void crash() {
            down = true;
            held.clear();
            receiver.close();
            outbox.clear();
            storage.close();
            storageProvider.crash(address);
        }

        /** @return the (term) of every entry from the first index to the last. */
        List<Long> terms() {
            final List<Long> terms = new ArrayList<>();
            for (long i = core.log().firstIndex(); i <= core.log().lastIndex(); i++) {
                terms.add(core.log().term(i));
            }
            return terms;
        }

        @Override
        public void onStateChanged(NodeState from, NodeState to, long term) {
            states.add(to);
        }

        @Override
        public void onLeaderChanged(NodeAddress leader, long term) {
        }

        @Override
        public void onElectionTimeout(long term) {
        }

        @Override
        public void onReadIndex(long requestId, long readIndex, boolean success) {
            (success ? readsGranted : readsFailed).add(requestId);
        }

        @Override
        public void onClientReject(NodeAddress leader) {
        }

        @Override
        public void onPeers(long requestId, DirectBuffer buffer, int offset, int count) {
        }

        @Override
        public void onRpcLatency(NodeAddress peer, long latencyNs) {
        }

        @Override
        public void onPeersChanged(List<NodeAddress> added, List<NodeAddress> removed) {
        }

        @Override
        public boolean onStrangerHeard(NodeAddress stranger) {
            strangersHeard.add(stranger);
            return true;
        }

        @Override
        public void onStrangerForgotten(NodeAddress stranger) {
            strangersForgotten.add(stranger);
        }

        @Override
        public void onConfigurationCommitted(Configuration configuration) {
            committedConfigurations.add(configuration);
        }

        @Override
        public void onMembershipResult(long requestId, int status, String message) {
            membershipResults.add(requestId + ":" + status + ":" + message);
        }

        @Override
        public String toString() {
            return down ? address + "{down}" : core.toString();
        }
    }

    final List<NodeAddress> addresses = new ArrayList<>();
    final Map<NodeAddress, Node> nodes = new LinkedHashMap<>();
    final Deque<Frame> network = new ArrayDeque<>();
    final MemoryStorageProvider storageProvider = new MemoryStorageProvider();
    final long seed;
    CoreConfig config;
    long now = 1_000 * MS;
    /** Frames for which this returns true are dropped on delivery. */
    Predicate<Frame> drop = frame -> false;

    RaftHarness(int size, long seed) {
        this(size, seed, new CoreConfig(150 * MS, 300 * MS, 50 * MS, 64, 64 * 1024, 16, 1 << 20, true, true, 10,
            256 * 1024));
    }

    RaftHarness(int size, long seed, CoreConfig config) {
        this.seed = seed;
        this.config = config;
        for (int i = 1; i <= size; i++) {
            addresses.add(NodeAddress.parse("/mem/s" + i));
        }
        for (NodeAddress address : addresses) {
            final Node node = new Node(address, List.copyOf(addresses));
            nodes.put(address, node);
            node.boot();
        }
    }

    Node node(int i) {
        return nodes.get(addresses.get(i - 1));
    }

    /** Starts a new node in join mode with the current members as its peers, as an operator starts a joining node. */
    Node addNode() {
        final NodeAddress address = NodeAddress.parse("/mem/s" + (addresses.size() + 1));
        final Node node = new Node(address, List.copyOf(addresses));
        addresses.add(address);
        nodes.put(address, node);
        node.boot();
        return node;
    }

    /** Asks {@code node} for a membership change and runs until it answers. */
    String change(Node node, int operation, NodeAddress target) {
        final int before = node.membershipResults.size();
        node.core.requestMembership(before + 1, operation, target, now + 10_000 * MS);
        node.process();
        for (int i = 0; i < 300 && node.membershipResults.size() == before; i++) {
            advance(10 * MS);
        }
        return node.membershipResults.size() == before ? "no answer" : node.membershipResults.get(before);
    }

    /** Cuts every link between the two groups (by 1-based node number) and inside nothing else. */
    void isolate(int... group) {
        final List<NodeAddress> members = new ArrayList<>();
        for (int i : group) {
            members.add(addresses.get(i - 1));
        }
        drop = frame -> members.contains(frame.from()) != members.contains(frame.to());
    }

    void heal() {
        drop = frame -> false;
    }

    /** Processes every live node's output. */
    void processAll() {
        for (Node node : nodes.values()) {
            if (!node.down) {
                node.process();
            }
        }
    }

    /** Delivers the frames in flight (and those they cause) until the network is quiet. */
    void stabilize() {
        processAll();
        int rounds = 0;
        while (!network.isEmpty()) {
            if (++rounds > 100_000) {
                throw new IllegalStateException("the network never became quiet");
            }
            deliverOne();
        }
    }

    /** Delivers the oldest frame in flight, then lets its receiver process; a stalled receiver holds it. */
    void deliverOne() {
        final Frame frame = network.poll();
        final Node to = nodes.get(frame.to());
        if (drop.test(frame) || null == to || to.down) {
            return;
        }
        if (to.stalled) {
            to.held.add(frame);
            return;
        }
        receive(to, frame);
        to.process();
    }

    private void receive(Node to, Frame frame) {
        final UnsafeBuffer buffer = new UnsafeBuffer(frame.bytes());
        final int result = to.decoder.decode(buffer, 0, frame.bytes().length, to.core);
        // A request from a node outside the configuration is not served.
        if (result != FrameDecoder.OK && result != FrameDecoder.UNKNOWN_SENDER) {
            throw new IllegalStateException("frame rejected: " + to.decoder.describeLastError());
        }
    }

    /** Encodes one frame as {@code from} would, for a test that sends what no core of the harness would. */
    @FunctionalInterface
    interface FrameWriter {
        int write(FrameEncoder encoder, org.agrona.MutableDirectBuffer buffer);
    }

    /** Puts a frame written as {@code from} would into the network, as if {@code from} had sent it. */
    void inject(NodeAddress from, NodeAddress to, FrameWriter writer) {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64 * 1024]);
        final int length = writer.write(new FrameEncoder(FrameHeader.clusterIdHash(CLUSTER), from.toString()),
            buffer);
        network.add(new Frame(from, to, java.util.Arrays.copyOf(buffer.byteArray(), length)));
    }

    /** Makes a node's loop stop running: frames for it pile up until {@link #resume}. */
    void stall(Node node) {
        node.stalled = true;
    }

    /**
     * Runs one duty cycle of a stalled node as the runtime does: every frame that piled up is handled, in arrival
     * order, before the one persist and the sends that waited for it.
     */
    void resume(Node node) {
        node.stalled = false;
        node.core.advanceClock(now);
        for (Frame frame : node.held) {
            receive(node, frame);
        }
        node.held.clear();
        node.core.tick(now);
        node.process();
    }

    /**
     * @return the indexes up to the leader's commit index whose entry (with the leader's term for it) fewer than a
     * majority of the nodes store: none, unless an acknowledgement covered what its sender did not hold.
     */
    List<Long> committedButNotOnAMajority(Node leader) {
        final List<Long> missing = new ArrayList<>();
        for (long i = leader.core.log().firstIndex(); i <= leader.core.commitIndex(); i++) {
            final long term = leader.core.log().term(i);
            int holders = 0;
            for (Node node : nodes.values()) {
                holders += node.stores(i, term) ? 1 : 0;
            }
            if (holders <= nodes.size() / 2) {
                missing.add(i);
            }
        }
        return missing;
    }

    /** Advances virtual time in steps, ticking every live node and delivering everything each step. */
    void advance(long durationNs) {
        final long end = now + durationNs;
        while (now < end) {
            now = Math.min(end, now + 10 * MS);
            for (Node node : nodes.values()) {
                if (!node.down) {
                    node.core.tick(now);
                }
            }
            stabilize();
        }
    }

    /** @return the single live leader of the highest term, or {@code null}. */
    Node leader() {
        Node leader = null;
        for (Node node : nodes.values()) {
            if (!node.down && node.core.role() == Role.LEADER
                && (null == leader || node.core.term() > leader.core.term())) {
                leader = node;
            }
        }
        return leader;
    }

    /** Runs until some node leads, failing after a generous virtual deadline. */
    Node electLeader() {
        for (int i = 0; i < 200 && null == leader(); i++) {
            advance(10 * MS);
        }
        final Node leader = leader();
        if (null == leader) {
            throw new AssertionError("no leader elected: " + nodes.values());
        }
        return leader;
    }

    /** Proposes a command with the given bytes on a node; it must lead. */
    long propose(Node node, byte[] payload) {
        return node.core.propose(new UnsafeBuffer(payload), 0, payload.length);
    }

    /** Makes {@code node} campaign now, as if its election timer fired. */
    void campaign(Node node) {
        node.core.campaign();
        node.process();
    }

    static byte[] command(String text) {
        final byte[] payload = new byte[io.skiff.core.codec.ClientCommand.HEADER_LENGTH + text.length()];
        System.arraycopy(text.getBytes(), 0, payload, io.skiff.core.codec.ClientCommand.HEADER_LENGTH, text.length());
        return payload;
    }

    static int entryType(DirectBuffer entry) {
        return LogEntry.type(entry, 0);
    }
}
