package io.skiff.core.runtime;

import io.skiff.ClusterMismatchException;
import io.skiff.NodeAddress;
import io.skiff.NodeState;
import io.skiff.NodeStoppedException;
import io.skiff.NotLeaderException;
import io.skiff.ReadConsistency;
import io.skiff.SkiffEvent;
import io.skiff.SkiffException;
import io.skiff.SkiffOptions;
import io.skiff.SkiffTimeoutException;
import io.skiff.StorageException;
import io.skiff.core.codec.ClientCommand;
import io.skiff.core.codec.FrameAuthenticator;
import io.skiff.core.codec.FrameDecoder;
import io.skiff.core.codec.FrameEncoder;
import io.skiff.core.codec.FrameHeader;
import io.skiff.core.codec.LogEntry;
import io.skiff.core.raft.Configuration;
import io.skiff.core.raft.CoreConfig;
import io.skiff.core.raft.MembershipStatus;
import io.skiff.core.raft.Outbox;
import io.skiff.core.raft.Peer;
import io.skiff.core.raft.RaftCore;
import io.skiff.core.raft.RaftListener;
import io.skiff.core.raft.RaftLog;
import io.skiff.core.raft.Role;
import io.skiff.core.raft.SnapshotTransfer;
import io.skiff.core.codec.SnapshotChunk;
import io.skiff.spi.SnapshotMeta;
import io.skiff.spi.SnapshotStore;
import io.skiff.spi.LogStore;
import io.skiff.spi.PersistentState;
import io.skiff.spi.SendResult;
import io.skiff.spi.StateMachine;
import io.skiff.spi.Storage;
import io.skiff.spi.Transport;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * One node's duty cycle: poll the transport into the core, drain client operations, step the core, then send,
 * persist, send what waited for persistence, and apply — the order {@link RaftCore} documents. Runs on one thread
 * (a dedicated runner, or a simulation's single thread); other threads only {@link #submit} operations and report
 * connection changes.
 */
public final class NodeAgent implements Agent, RaftListener, SnapshotTransfer {
    private static final int FRAME_LIMIT = 256;
    private static final int OPERATION_LIMIT = 4096;
    private static final long WARNING_INTERVAL_NS = 1_000_000_000L;
    private static final byte[] NO_ANSWER = new byte[0];

    private final NodeAddress address;
    private final SkiffOptions options;
    private final NanoClock clock;
    private final Transport transport;
    private final Storage storage;
    private final SnapshotReceiver receiver;
    private final StateMachine stateMachine;
    private final EventSink events;
    private final long clientId;
    private final String clusterId;
    private final List<NodeAddress> members;
    private final RaftCore core;
    private final RaftLog log;
    private final Outbox outbox = new Outbox();
    private final FrameDecoder<Peer> decoder;
    private final NodeCounters counters = new NodeCounters();
    private final ManyToOneConcurrentArrayQueue<Operation> operations;
    private final TransportEvents transportEvents;
    private final SessionTable sessions = new SessionTable(4096);
    private final PendingCommands pending = new PendingCommands();
    private final List<Operation> toForward = new ArrayList<>();
    private final List<Operation> readsAwaitingIndex = new ArrayList<>();
    private final List<Operation> readsAwaitingApply = new ArrayList<>();
    private final Long2ObjectHashMap<Operation> peersRequests = new Long2ObjectHashMap<>();
    private final Long2ObjectHashMap<Operation> membershipRequests = new Long2ObjectHashMap<>();
    /** Removed members and when to disconnect them (after {@code waitBeforeLeave}). */
    private final java.util.Map<NodeAddress, Long> leaving = new java.util.HashMap<>();
    private java.util.Set<NodeAddress> committedMembers;
    private final UnsafeBuffer inbound = new UnsafeBuffer(0, 0);
    private final io.skiff.spi.FrameHandler frameHandler = this::onFrame;
    private final java.util.function.Consumer<Operation> operationHandler = this::handle;
    private final ExpandableArrayBuffer scratch = new ExpandableArrayBuffer(4096);
    private final ByteBufferView commandView = new ByteBufferView();
    private final long retryTimeoutNs;
    private final long rpcTimeoutNs;
    private final int maxRetries;
    private final long[] lastWarningNs = new long[8];

    private long nowNs;
    private long applied;
    private long snapshotIndex;
    /*
     * Request ids start from a base drawn from this run's random client id, each kind in its own range: an answer to
     * a request of an earlier run of this node, arriving late, then never matches a request of this one.
     */
    private long nextReadBatch;
    private long nextPeersRequest;
    private long nextMembershipRequest;
    private long nextDeadlineCheckNs;
    private boolean closed;
    private volatile RuntimeException failure;
    private volatile Status status;

    /**
     * Loads the node's persisted state and builds its core. Runs on the node's own thread (or a simulation's).
     *
     * @throws ClusterMismatchException when the storage belongs to another cluster.
     * @throws StorageException         when the storage cannot be read.
     */
    public NodeAgent(NodeAddress address, SkiffOptions options, NanoClock clock, RandomGenerator random, long clientId,
        Transport transport, TransportEvents transportEvents, Storage storage, StateMachine stateMachine,
        EventSink events) {
        this.address = address;
        this.options = options;
        this.clock = clock;
        this.transport = transport;
        this.transportEvents = transportEvents;
        this.storage = storage;
        this.receiver = new SnapshotReceiver(storage.snapshots());
        this.stateMachine = stateMachine;
        this.events = events;
        this.clientId = clientId;
        final long requestBase = (clientId >>> 4) + 1;
        this.nextReadBatch = requestBase;
        this.nextPeersRequest = requestBase + (1L << 60);
        this.nextMembershipRequest = requestBase + (2L << 60);
        this.clusterId = options.clusterId();
        this.retryTimeoutNs = options.clientRetryRpcTimeout().toNanos();
        this.rpcTimeoutNs = options.rpcTimeout().toNanos();
        this.maxRetries = options.clientMaxRetries();
        this.operations = new ManyToOneConcurrentArrayQueue<>(options.maxPendingOperations());
        this.nowNs = clock.nanoTime();
        java.util.Arrays.fill(lastWarningNs, Long.MIN_VALUE);

        final PersistentState persisted = storage.state().load();
        if (null != persisted.clusterId() && !persisted.clusterId().equals(clusterId)) {
            throw new ClusterMismatchException("the stored data of " + address + " belongs to cluster '"
                + persisted.clusterId() + "', but the node is configured for cluster '" + clusterId + "'");
        }
        if (persisted.members().isEmpty()) {
            members = initialMembers(address, options);
            storage.state().save(new PersistentState(clusterId, persisted.term(), persisted.votedFor(), members));
        } else {
            members = persisted.members();
        }
        checkFrameLimits();
        log = new RaftLog(storage.log());
        applied = stateMachine.appliedIndex();
        restoreSnapshot();
        final FrameAuthenticator authenticator = options.authenticationKeys().isEmpty() ? null
            : new FrameAuthenticator(options.authenticationKeys());
        final FrameEncoder encoder = new FrameEncoder(FrameHeader.clusterIdHash(clusterId), address.toString(),
            authenticator);
        final java.util.Optional<SnapshotMeta> snapshot = storage.snapshots().latest();
        final byte[] snapshotConfiguration = snapshot.map(SnapshotMeta::configuration).orElse(new byte[0]);
        final Configuration base = snapshotConfiguration.length > 0
            ? Configuration.decode(new UnsafeBuffer(snapshotConfiguration), 0, snapshotConfiguration.length)
            : Configuration.of(members);
        core = new RaftCore(address, base, snapshotConfiguration.length > 0 ? snapshot.get().index() : 0,
            persisted.term(), persisted.votedFor(), log, CoreConfig.from(options), random, outbox, encoder, this,
            this, nowNs);
        core.onApplied(applied);
        decoder = new FrameDecoder<>(FrameHeader.clusterIdHash(clusterId), core::resolve,
            options.authenticationKeys().isEmpty() ? null : new FrameAuthenticator(options.authenticationKeys()));
        publishStatus();
    }

    /**
     * The configuration a node with empty storage starts from: a founder's includes itself; a joining node's holds
     * only the current members, so that it is no voter until the cluster's log makes it one.
     */
    private static List<NodeAddress> initialMembers(NodeAddress address, SkiffOptions options) {
        if (options.join()) {
            return options.peers();
        }
        final List<NodeAddress> initial = new ArrayList<>();
        initial.add(address);
        initial.addAll(options.peers());
        return List.copyOf(initial);
    }

    private void checkFrameLimits() {
        final int overhead = FrameHeader.LENGTH + NodeAddress.MAX_LENGTH + FrameHeader.MAC_LENGTH + 64;
        final int largestEntry = LogEntry.HEADER_LENGTH + ClientCommand.HEADER_LENGTH + options.maxCommandBytes();
        final int largestFrame = Math.max(options.maxAppendBytes(), largestEntry) + overhead;
        if (largestFrame > transport.maxFrameLength()) {
            throw new io.skiff.InvalidOptionsException("the transport carries frames of at most "
                + transport.maxFrameLength() + " bytes, but maxAppendBytes (" + options.maxAppendBytes()
                + ") and maxCommandBytes (" + options.maxCommandBytes() + ") need " + largestFrame
                + "; lower them or raise the transport's limit");
        }
    }

    @Override
    public String roleName() {
        return "skiff-node-" + address;
    }

    /**
     * Hands an operation to the loop; any thread.
     *
     * @return whether it was accepted (false when the node is saturated).
     */
    boolean submit(Operation operation) {
        return operations.offer(operation);
    }

    /** @return the latest published status, for any thread. */
    Status status() {
        return status;
    }

    NodeCounters counters() {
        return counters;
    }

    /** @return the core, for the simulation's invariant checks; only on the loop's thread. */
    public RaftCore core() {
        return core;
    }

    /** @return the index applied to the state machine; only on the loop's thread. */
    public long appliedIndex() {
        return applied;
    }

    @Override
    public int doWork() {
        try {
            return duty();
        } catch (StorageException e) {
            throw terminate("storage failed; the node stops rather than acknowledge what it could not persist", e);
        } catch (RuntimeException e) {
            throw terminate("the node failed and stops", e);
        }
    }

    private AgentTerminationException terminate(String why, RuntimeException cause) {
        failure = cause;
        events.publish(new SkiffEvent.Warning(address, why + ": " + cause, cause));
        failEverything(new NodeStoppedException(why + ": " + cause.getMessage(), true));
        return new AgentTerminationException(cause);
    }

    /** @return what stopped the node, or {@code null}. */
    RuntimeException failure() {
        return failure;
    }

    private int duty() {
        nowNs = clock.nanoTime();
        core.advanceClock(nowNs);
        int work = drainConnectionChanges();
        work += transport.poll(frameHandler, FRAME_LIMIT);
        // A fresh reading: a follower's promise to the leaders it heard in this poll runs from it, not from before.
        core.tick(clock.nanoTime());
        work += operations.drain(operationHandler, OPERATION_LIMIT);
        if (nowNs >= nextDeadlineCheckNs) {
            checkDeadlines();
            nextDeadlineCheckNs = nowNs + Math.max(1_000_000L, retryTimeoutNs / 4);
        }
        forwardCommands();
        requestReadIndex();
        core.flush();
        work += processOutput();
        publishStatus();
        return work;
    }

    // ---------------------------------------------------------------- inbound

    private void onFrame(ByteBuffer frame) {
        final int length = frame.remaining();
        inbound.wrap(frame, frame.position(), length);
        final int result = decoder.decode(inbound, 0, length, core);
        if (result == FrameDecoder.OK) {
            counters.received(FrameHeader.type(inbound, 0), length);
            return;
        }
        final int counter;
        switch (result) {
            case FrameDecoder.WRONG_CLUSTER:
                counter = NodeCounters.FRAMES_WRONG_CLUSTER;
                break;
            case FrameDecoder.UNKNOWN_SENDER:
                counter = NodeCounters.FRAMES_UNKNOWN_SENDER;
                break;
            case FrameDecoder.UNSUPPORTED_VERSION:
                counter = NodeCounters.FRAMES_UNSUPPORTED_VERSION;
                break;
            case FrameDecoder.NOT_AUTHENTIC:
                counter = NodeCounters.FRAMES_NOT_AUTHENTIC;
                break;
            default:
                counter = NodeCounters.FRAMES_MALFORMED;
                break;
        }
        counters.increment(counter);
        warn(result, "dropped a frame of " + length + " bytes (" + counterName(result) + "): "
            + decoder.describeLastError());
    }

    private static String counterName(int result) {
        switch (result) {
            case FrameDecoder.WRONG_CLUSTER:
                return "another cluster";
            case FrameDecoder.UNKNOWN_SENDER:
                return "not from a member";
            case FrameDecoder.UNSUPPORTED_VERSION:
                return "unsupported version";
            case FrameDecoder.NOT_AUTHENTIC:
                return "failed authentication";
            default:
                return "malformed";
        }
    }

    private void warn(int kind, String message) {
        if (nowNs - lastWarningNs[kind] >= WARNING_INTERVAL_NS || lastWarningNs[kind] == Long.MIN_VALUE) {
            lastWarningNs[kind] = nowNs;
            events.publish(new SkiffEvent.Warning(address, message, null));
        }
    }

    private int drainConnectionChanges() {
        int changes = 0;
        TransportEvents.Change change;
        while (null != (change = transportEvents.poll())) {
            final Peer peer = core.peer(change.peer());
            if (null != peer && peer.address().equals(change.peer())) {
                core.onConnection(peer, change.connected());
                events.publish(change.connected() ? new SkiffEvent.Connected(address, change.peer())
                    : new SkiffEvent.Disconnected(address, change.peer()));
            }
            changes++;
        }
        return changes;
    }

    // ---------------------------------------------------------------- operations

    private void handle(Operation operation) {
        if (closed) {
            operation.fail(new NodeStoppedException("the node " + address + " is stopped", false));
            events.complete(operation);
            return;
        }
        switch (operation.kind) {
            case COMMAND:
                pending.add(operation);
                dispatch(operation);
                break;
            case QUERY:
                if (operation.consistency == ReadConsistency.LOCAL) {
                    answerQuery(operation);
                } else if (operation.consistency == ReadConsistency.LEASE) {
                    leaseRead(operation);
                } else {
                    awaitReadIndex(operation);
                }
                break;
            case READ_CONSENSUS:
                awaitReadIndex(operation);
                break;
            case PEERS:
                requestPeers(operation);
                break;
            case WEAKEN:
                core.weaken(nowNs + operation.durationNs);
                finish(operation, null);
                break;
            case MEMBERSHIP:
                operation.expiresNs = nowNs + operation.durationNs;
                requestMembership(operation);
                break;
            default:
                throw new IllegalStateException("unknown operation " + operation.kind);
        }
    }

    /**
     * Proposes a command if this node leads, queues it for the leader otherwise, or lets it wait for one. A leader
     * handing over its leadership refuses proposals (thesis §3.10); the command then waits, as without a leader,
     * for its next attempt: at the new leader, or here again if the transfer failed.
     */
    private void dispatch(Operation command) {
        command.deadlineNs = nowNs + retryTimeoutNs;
        if (core.role() == Role.LEADER) {
            final int length = writeCommand(scratch, 0, command);
            command.attempts++;
            if (core.propose(scratch, 0, length) == RaftCore.NOT_LEADER) {
                command.proposedTerm = -1;
                return;
            }
            command.proposedTerm = core.term();
            command.sent = true;
            counters.increment(NodeCounters.COMMANDS_PROPOSED);
        } else if (null != core.leader()) {
            toForward.add(command);
        } else {
            command.attempts++;
        }
    }

    private int writeCommand(org.agrona.MutableDirectBuffer buffer, int offset, Operation command) {
        ClientCommand.encodeHeader(buffer, offset, clientId, command.sequence, pending.floor());
        buffer.putBytes(offset + ClientCommand.HEADER_LENGTH, command.payload);
        return ClientCommand.HEADER_LENGTH + command.payload.length;
    }

    private void forwardCommands() {
        if (toForward.isEmpty()) {
            return;
        }
        int start = core.beginForward();
        int position = start;
        int count = 0;
        for (Operation command : toForward) {
            if (command.done) {
                continue;
            }
            if (start < 0) {
                command.attempts++;
                continue;
            }
            final int length = ClientCommand.HEADER_LENGTH + command.payload.length;
            if (count > 0 && position - start + length > options.maxAppendBytes()) {
                core.finishForward(count, position - start);
                start = core.beginForward();
                position = start;
                count = 0;
            }
            position = core.encoder().addClientCommand(outbox.buffer(), position, length);
            position += writeCommand(outbox.buffer(), position, command);
            count++;
            command.sent = true;
            command.attempts++;
            command.proposedTerm = -1;
            counters.increment(NodeCounters.COMMANDS_FORWARDED);
        }
        if (count > 0) {
            core.finishForward(count, position - start);
        }
        toForward.clear();
    }

    private void answerQuery(Operation query) {
        try {
            finish(query, stateMachine.query(ByteBuffer.wrap(query.payload)));
        } catch (RuntimeException e) {
            failOperation(query, new SkiffException("the state machine failed to answer a query: " + e, e));
        }
        counters.increment(NodeCounters.READS);
    }

    /** Serves a read under the leader's lease if it holds one, by ReadIndex otherwise. */
    private void leaseRead(Operation read) {
        final long readIndex = core.leaseReadIndex(clock.nanoTime());
        if (readIndex == RaftCore.NO_LEASE) {
            awaitReadIndex(read);
            return;
        }
        if (readIndex <= applied) {
            answerQuery(read);
        } else {
            read.readIndex = readIndex;
            readsAwaitingApply.add(read);
        }
    }

    private void awaitReadIndex(Operation read) {
        read.sequence = nextReadBatch;
        read.readIndex = -1;
        read.attempts++;
        read.deadlineNs = nowNs + Math.max(retryTimeoutNs, rpcTimeoutNs);
        readsAwaitingIndex.add(read);
    }

    /** Asks once per duty cycle for a read index that serves every read that arrived in it. */
    private void requestReadIndex() {
        if (!readsAwaitingIndex.isEmpty() && readsAwaitingIndex.get(readsAwaitingIndex.size() - 1).sequence
            == nextReadBatch) {
            counters.increment(NodeCounters.READ_ROUNDS);
            core.readIndex(nextReadBatch++);
        }
    }

    @Override
    public void onReadIndex(long requestId, long readIndex, boolean success) {
        for (int i = 0; i < readsAwaitingIndex.size(); i++) {
            final Operation read = readsAwaitingIndex.get(i);
            if (read.sequence != requestId) {
                continue;
            }
            if (success) {
                read.readIndex = readIndex;
                readsAwaitingApply.add(read);
                readsAwaitingIndex.remove(i--);
            } else {
                // Retried at the next deadline check, once a leader may be known.
                read.sequence = 0;
                read.deadlineNs = Math.min(read.deadlineNs, nowNs + retryTimeoutNs);
            }
        }
        serveReads();
    }

    private void serveReads() {
        for (int i = 0; i < readsAwaitingApply.size(); i++) {
            final Operation read = readsAwaitingApply.get(i);
            if (read.readIndex <= applied) {
                readsAwaitingApply.remove(i--);
                if (read.kind == Operation.Kind.QUERY) {
                    answerQuery(read);
                } else {
                    finish(read, null);
                }
            }
        }
    }

    private void requestPeers(Operation request) {
        if (core.role() == Role.LEADER) {
            final int end = core.writePeers(scratch, 0);
            finish(request, PeerList.decode(scratch, 0, core.peers().length + 1));
            scratch.setMemory(0, end, (byte)0);
            return;
        }
        final long id = nextPeersRequest++;
        if (!core.requestPeers(id)) {
            failOperation(request, notLeader("peers() is answered by the leader"));
            return;
        }
        request.sequence = id;
        request.deadlineNs = nowNs + rpcTimeoutNs;
        peersRequests.put(id, request);
    }

    @Override
    public void onPeers(long requestId, DirectBuffer buffer, int offset, int count) {
        final Operation request = peersRequests.remove(requestId);
        if (null == request) {
            return;
        }
        if (count == 0) {
            failOperation(request, notLeader("the node asked for peers is no longer the leader"));
        } else {
            finish(request, PeerList.decode(buffer, offset, count));
        }
    }

    private void requestMembership(Operation request) {
        request.sequence = nextMembershipRequest++;
        request.attempts++;
        membershipRequests.put(request.sequence, request);
        // Set before asking: without a leader the core answers at once, and that answer sets the retry deadline.
        request.deadlineNs = Long.MAX_VALUE;
        core.requestMembership(request.sequence, request.membershipOperation,
            NodeAddress.parse(new String(request.payload, java.nio.charset.StandardCharsets.US_ASCII)),
            request.expiresNs);
    }

    @Override
    public void onMembershipResult(long requestId, int status, String message) {
        final Operation request = membershipRequests.remove(requestId);
        if (null == request) {
            return;
        }
        switch (status) {
            case MembershipStatus.OK:
                finish(request, null);
                break;
            case MembershipStatus.RETRY:
            case MembershipStatus.NOT_LEADER:
                // Leadership is settling: ask again shortly, until the request expires.
                request.deadlineNs = nowNs + retryTimeoutNs;
                request.sequence = 0;
                membershipRequests.put(-(nextMembershipRequest++), request);
                break;
            case MembershipStatus.TIMEOUT:
            case MembershipStatus.INTERRUPTED:
                failOperation(request, new SkiffTimeoutException(message, true));
                break;
            default:
                failOperation(request, new SkiffException(message));
                break;
        }
    }

    @Override
    public void onPeersChanged(List<NodeAddress> added, List<NodeAddress> removed) {
        for (NodeAddress peer : added) {
            leaving.remove(peer);
            transport.connect(peer);
        }
        for (NodeAddress peer : removed) {
            leaving.put(peer, nowNs + options.waitBeforeLeave().toNanos());
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>A stranger of another protocol than this node's is refused: the transport speaks this node's protocol
     * only. A stranger that is a removed member waiting to be disconnected stays connected while it is heard.
     */
    @Override
    public boolean onStrangerHeard(NodeAddress stranger) {
        if (!stranger.protocol().equals(address.protocol())) {
            return false;
        }
        leaving.remove(stranger);
        transport.connect(stranger);
        return true;
    }

    @Override
    public void onStrangerForgotten(NodeAddress stranger) {
        transport.disconnect(stranger);
    }

    @Override
    public void onConfigurationCommitted(Configuration configuration) {
        final java.util.Set<NodeAddress> members = configuration.members();
        if (null != committedMembers) {
            for (NodeAddress member : members) {
                if (!committedMembers.contains(member)) {
                    events.publish(new SkiffEvent.Joined(address, member));
                }
            }
            for (NodeAddress member : committedMembers) {
                if (!members.contains(member)) {
                    events.publish(new SkiffEvent.Left(address, member));
                }
            }
        }
        committedMembers = members;
    }

    private void disconnectLeavers() {
        final var iterator = leaving.entrySet().iterator();
        while (iterator.hasNext()) {
            final var entry = iterator.next();
            if (entry.getValue() <= nowNs) {
                iterator.remove();
                transport.disconnect(entry.getKey());
            }
        }
    }

    private void checkDeadlines() {
        if (!leaving.isEmpty()) {
            disconnectLeavers();
        }
        if (!membershipRequests.isEmpty()) {
            retryMembership();
        }
        for (long sequence = pending.floor(); sequence < pending.end(); sequence++) {
            final Operation command = pending.get(sequence);
            if (null == command || command.deadlineNs > nowNs) {
                continue;
            }
            if (core.role() == Role.LEADER && command.proposedTerm == core.term()) {
                // Still in this leader's log: it commits unless leadership is lost, which check-quorum bounds.
                command.deadlineNs = nowNs + retryTimeoutNs;
                continue;
            }
            if (command.attempts > maxRetries) {
                failOperation(command, command.sent
                    ? new SkiffTimeoutException("command not applied after " + command.attempts + " attempts; it "
                    + "may still be applied", true)
                    : notLeader("no leader could be reached in " + command.attempts + " attempts"));
                pending.remove(command);
                continue;
            }
            counters.increment(NodeCounters.COMMANDS_RETRIED);
            dispatch(command);
        }
        for (int i = 0; i < readsAwaitingIndex.size(); i++) {
            final Operation read = readsAwaitingIndex.get(i);
            if (read.deadlineNs > nowNs) {
                continue;
            }
            if (read.attempts > maxRetries) {
                readsAwaitingIndex.remove(i--);
                failOperation(read, null == core.leader() ? notLeader("no leader confirmed the read")
                    : new SkiffTimeoutException("the leader did not confirm the read in time", false));
            } else {
                readsAwaitingIndex.remove(i--);
                awaitReadIndex(read);
            }
        }
        final var requests = peersRequests.values().iterator();
        while (requests.hasNext()) {
            final Operation request = requests.next();
            if (request.deadlineNs <= nowNs) {
                requests.remove();
                failOperation(request, new SkiffTimeoutException("the leader did not answer peers() in time", false));
            }
        }
    }

    private void retryMembership() {
        final List<Operation> due = new ArrayList<>();
        final var iterator = membershipRequests.values().iterator();
        while (iterator.hasNext()) {
            final Operation request = iterator.next();
            if (request.expiresNs <= nowNs) {
                iterator.remove();
                failOperation(request, new SkiffTimeoutException("the membership change was not completed within "
                    + options.membershipTimeout().toMillis() + " ms; it may still complete", request.attempts > 0));
            } else if (request.deadlineNs <= nowNs) {
                iterator.remove();
                due.add(request);
            }
        }
        for (Operation request : due) {
            requestMembership(request);
        }
    }

    private NotLeaderException notLeader(String why) {
        final NodeAddress leader = core.leader();
        return new NotLeaderException(why + (null == leader ? "; no leader is known" : "; the leader is " + leader),
            leader);
    }

    private void finish(Operation operation, Object result) {
        operation.succeed(result);
        events.complete(operation);
    }

    private void failOperation(Operation operation, SkiffException cause) {
        operation.fail(cause);
        events.complete(operation);
    }

    // ---------------------------------------------------------------- output: send, persist, send, apply

    private int processOutput() {
        final int immediate = outbox.count();
        final boolean persist = core.hardStateDirty() || log.unstableCount() > 0 || log.pendingTruncation() >= 0;
        if (immediate == 0 && !persist && Math.min(core.commitIndex(), log.persistedIndex()) <= applied) {
            return 0;
        }
        for (int i = 0; i < immediate; i++) {
            if (!outbox.waitsPersist(i)) {
                sendFrame(i);
            }
        }
        if (persist) {
            persist();
        }
        final int total = outbox.count();
        for (int i = 0; i < total; i++) {
            if (i >= immediate || outbox.waitsPersist(i)) {
                sendFrame(i);
            }
        }
        outbox.clear();
        applyCommitted();
        return total + 1;
    }

    private void persist() {
        if (core.hardStateDirty()) {
            storage.state().save(new PersistentState(clusterId, core.term(), core.votedFor(), members));
            core.clearHardStateDirty();
        }
        if (log.unstableCount() > 0 || log.pendingTruncation() >= 0) {
            final LogStore store = storage.log();
            if (log.pendingTruncation() >= 0) {
                store.truncateAfter(log.pendingTruncation());
            }
            final long first = log.unstableOffset();
            for (int i = 0; i < log.unstableCount(); i++) {
                store.append(first + i, log.unstableTerm(i), log.unstableEntry(i));
            }
            store.sync();
            log.markPersisted();
        }
        core.onPersisted();
    }

    private void sendFrame(int frame) {
        final Peer to = outbox.destination(frame);
        final int offset = outbox.offset(frame);
        final int length = outbox.length(frame);
        final ByteBuffer buffer = outbox.directBuffer().byteBuffer();
        buffer.limit(buffer.capacity()).position(offset).limit(offset + length);
        final SendResult result = transport.send(to.address(), buffer);
        switch (result) {
            case SENT:
                counters.sent(FrameHeader.type(outbox.buffer(), offset), length);
                break;
            case NOT_CONNECTED:
                counters.increment(NodeCounters.SEND_NOT_CONNECTED);
                core.onSendFailed(to);
                break;
            case BACK_PRESSURED:
                counters.increment(NodeCounters.SEND_BACK_PRESSURED);
                core.onSendFailed(to);
                break;
            default:
                counters.increment(NodeCounters.SEND_CLOSED);
                break;
        }
    }

    private void applyCommitted() {
        final long target = Math.min(core.commitIndex(), log.persistedIndex());
        if (target <= applied) {
            return;
        }
        log.forEach(applied + 1, target, this::applyEntry);
        applied = target;
        stateMachine.commit(applied);
        core.onApplied(target);
        serveReads();
        maybeSnapshot();
    }

    private void applyEntry(long index, long term, int type, DirectBuffer buffer, int offset, int length) {
        if (type != LogEntry.TYPE_COMMAND) {
            return;
        }
        final long client = ClientCommand.clientId(buffer, offset);
        final long sequence = ClientCommand.sequence(buffer, offset);
        byte[] answer = sessions.lookup(client, sequence, ClientCommand.floor(buffer, offset));
        if (answer == SessionTable.NOT_APPLIED) {
            answer = applyToStateMachine(index, buffer, offset + ClientCommand.HEADER_LENGTH,
                length - ClientCommand.HEADER_LENGTH);
            sessions.record(client, sequence, answer);
            counters.increment(NodeCounters.COMMANDS_APPLIED);
        } else {
            counters.increment(NodeCounters.COMMANDS_DEDUPLICATED);
        }
        if (client == clientId) {
            final Operation command = pending.get(sequence);
            if (null != command) {
                if (answer == SessionTable.FAILED) {
                    command.fail(new SkiffException("the state machine failed to apply the command at index "
                        + index));
                } else {
                    command.succeed(answer == SessionTable.FORGOTTEN ? NO_ANSWER : answer);
                }
                pending.remove(command);
                events.complete(command);
            }
        }
    }

    private byte[] applyToStateMachine(long index, DirectBuffer buffer, int offset, int length) {
        try {
            return stateMachine.apply(index, commandView.wrap(buffer, offset, length));
        } catch (RuntimeException e) {
            events.publish(new SkiffEvent.Warning(address, "the state machine failed to apply index " + index, e));
            return SessionTable.FAILED;
        }
    }

    // ---------------------------------------------------------------- snapshots

    /**
     * On start: a snapshot newer than the state machine's own state replaces it (an in-memory state machine
     * starts empty; the log then replays only what follows the snapshot).
     */
    private void restoreSnapshot() {
        final java.util.Optional<SnapshotMeta> latest = storage.snapshots().latest();
        if (latest.isPresent()) {
            snapshotIndex = latest.get().index();
            if (snapshotIndex > applied) {
                restoreStateMachine();
            } else {
                restoreSessions();
            }
            // A crash between storing a received snapshot and compacting the log leaves entries the snapshot
            // replaces; finish the install.
            SnapshotReceiver.alignLog(storage.log(), latest.get().index(), latest.get().term());
        }
        rebuildSessions();
    }

    /**
     * A state machine that keeps its state in storage may be ahead of the latest snapshot, and so of the client
     * sessions restored from it: replay the sessions of the log entries in between, so that a command retried
     * across the restart is still recognised and not applied twice.
     */
    private void rebuildSessions() {
        final long from = Math.max(snapshotIndex + 1, log.firstIndex());
        if (applied >= from) {
            log.forEach(from, applied, (index, term, type, buffer, offset, length) -> {
                if (type == LogEntry.TYPE_COMMAND) {
                    final long client = ClientCommand.clientId(buffer, offset);
                    final long sequence = ClientCommand.sequence(buffer, offset);
                    if (sessions.lookup(client, sequence, ClientCommand.floor(buffer, offset))
                        == SessionTable.NOT_APPLIED) {
                        sessions.record(client, sequence, NO_ANSWER);
                    }
                }
            });
        }
    }

    private void restoreSessions() {
        try (SnapshotStore.Reader reader = storage.snapshots().open().orElseThrow()) {
            reader.read(0, 1, Integer.MAX_VALUE, sessions::restore);
        }
    }

    private void restoreStateMachine() {
        try (SnapshotStore.Reader reader = storage.snapshots().open().orElseThrow(() -> new StorageException(
            "the snapshot of " + address + " disappeared while it was being restored"))) {
            if (reader.read(0, 1, Integer.MAX_VALUE, sessions::restore) != 1) {
                throw new StorageException("the snapshot at index " + reader.meta().index() + " of " + address
                    + " has no client session record");
            }
            stateMachine.restore(new ShiftedReader(reader, 1));
            applied = reader.meta().index();
            snapshotIndex = applied;
        }
    }

    /**
     * Takes a snapshot every {@code snapshotInterval} applied entries and compacts the log before it, keeping
     * {@code minLogRetention} entries for followers that are only a little behind.
     */
    private void maybeSnapshot() {
        if (applied - snapshotIndex < options.snapshotInterval()) {
            return;
        }
        final long term = log.term(applied);
        final SnapshotStore.Writer writer = storage.snapshots().create(new SnapshotMeta(applied, term,
            core.configurationAt(applied).encode(), -1));
        try {
            writer.append(ByteBuffer.wrap(sessions.encode()));
            stateMachine.snapshot(writer);
            writer.commit();
        } finally {
            writer.close();
        }
        snapshotIndex = applied;
        counters.increment(NodeCounters.SNAPSHOTS_TAKEN);
        final long compactTo = applied - options.minLogRetention();
        final LogStore store = storage.log();
        if (compactTo >= store.firstIndex()) {
            store.compactUpTo(compactTo, log.term(compactTo));
            store.sync();
        }
    }

    @Override
    public SnapshotStore.Reader openLatest() {
        return storage.snapshots().open().orElse(null);
    }

    @Override
    public long accept(SnapshotChunk chunk) {
        final long next = receiver.receive(chunk);
        if (next == INSTALLED) {
            installSnapshot(chunk.snapshotIndex(), chunk.snapshotTerm());
        }
        return next;
    }

    @Override
    public void abandon() {
        receiver.abandon();
    }

    /** Replaces state machine, sessions and log prefix with the snapshot just received (§5.3). */
    private void installSnapshot(long index, long term) {
        restoreStateMachine();
        SnapshotReceiver.alignLog(storage.log(), index, term);
        counters.increment(NodeCounters.SNAPSHOTS_INSTALLED);
        serveReads();
    }

    // ---------------------------------------------------------------- core callbacks

    @Override
    public void onStateChanged(NodeState from, NodeState to, long term) {
        events.publish(new SkiffEvent.StateChanged(address, from, to, term));
        if (to == NodeState.LEADER) {
            events.publish(new SkiffEvent.BecameLeader(address, term));
        }
    }

    @Override
    public void onLeaderChanged(NodeAddress leader, long term) {
        counters.increment(NodeCounters.LEADER_CHANGES);
        events.publish(new SkiffEvent.LeaderChanged(address, leader, term));
        if (null != leader) {
            retrySoon();
        }
    }

    @Override
    public void onElectionTimeout(long term) {
        counters.increment(NodeCounters.ELECTIONS);
        events.publish(new SkiffEvent.ElectionTimeout(address, term));
    }

    @Override
    public void onClientReject(NodeAddress leader) {
        retrySoon();
    }

    @Override
    public void onRpcLatency(NodeAddress peer, long latencyNs) {
        events.publish(new SkiffEvent.RpcLatency(address, peer, java.time.Duration.ofNanos(latencyNs)));
    }

    /** A leader became known: commands and reads waiting for one go now rather than at their deadline. */
    private void retrySoon() {
        for (long sequence = pending.floor(); sequence < pending.end(); sequence++) {
            final Operation command = pending.get(sequence);
            if (null != command && !(core.role() == Role.LEADER && command.proposedTerm == core.term())) {
                command.deadlineNs = nowNs;
            }
        }
        for (Operation read : readsAwaitingIndex) {
            if (read.sequence == 0) {
                read.deadlineNs = nowNs;
            }
        }
        nextDeadlineCheckNs = nowNs;
    }

    // ---------------------------------------------------------------- status and shutdown

    private void publishStatus() {
        final Status current = status;
        final NodeState state = core.state();
        if (null == current || current.state() != state || current.term() != core.term()
            || current.leader() != core.leader() || current.commitIndex() != core.commitIndex()
            || current.appliedIndex() != applied || current.lastIndex() != log.lastIndex()) {
            status = new Status(state, core.term(), core.leader(), log.firstIndex(), log.lastIndex(),
                core.commitIndex(), applied);
        }
    }

    private void failEverything(SkiffException cause) {
        closed = true;
        for (long sequence = pending.floor(); sequence < pending.end(); sequence++) {
            final Operation command = pending.get(sequence);
            if (null != command) {
                failOperation(command, new NodeStoppedException(cause.getMessage(), command.sent));
            }
        }
        for (Operation read : readsAwaitingIndex) {
            failOperation(read, cause);
        }
        readsAwaitingIndex.clear();
        for (Operation read : readsAwaitingApply) {
            failOperation(read, cause);
        }
        readsAwaitingApply.clear();
        for (Operation request : peersRequests.values()) {
            failOperation(request, cause);
        }
        peersRequests.clear();
        for (Operation request : membershipRequests.values()) {
            failOperation(request, cause);
        }
        membershipRequests.clear();
        Operation queued;
        while (null != (queued = operations.poll())) {
            failOperation(queued, new NodeStoppedException(cause.getMessage(), false));
        }
    }

    @Override
    public void onClose() {
        failEverything(new NodeStoppedException("the node " + address + " was stopped", false));
        receiver.close();
        closeQuietly(transport);
        closeQuietly(stateMachine);
        closeQuietly(storage);
        events.publish(new SkiffEvent.Stopped(address));
    }

    private void closeQuietly(AutoCloseable resource) {
        try {
            resource.close();
        } catch (Exception e) {
            events.publish(new SkiffEvent.Warning(address, "closing " + resource.getClass().getSimpleName()
                + " failed: " + e.getMessage(), e));
        }
    }

    /** What {@code stats()} and the node's accessors read, published by the loop once per duty cycle. */
    record Status(NodeState state, long term, NodeAddress leader, long firstIndex, long lastIndex, long commitIndex,
        long appliedIndex) {
    }
}
