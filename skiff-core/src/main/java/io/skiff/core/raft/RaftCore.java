package io.skiff.core.raft;

import io.skiff.NodeAddress;
import io.skiff.NodeState;
import io.skiff.core.codec.CommandBatch;
import io.skiff.core.codec.EntryBatch;
import io.skiff.core.codec.FrameEncoder;
import io.skiff.core.codec.LogEntry;
import io.skiff.core.codec.MessageHandler;
import io.skiff.core.codec.MessageType;
import io.skiff.core.codec.SnapshotChunk;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The Raft state machine of one node, deterministic and free of I/O: the same state and the same inputs always
 * give the same outputs. Not thread-safe: one thread at a time, as etcd's RawNode.
 *
 * <p>Inputs: {@link #tick(long)} with the current time, frames through the {@link MessageHandler} methods (called
 * by the codec after validation), {@link #propose}, {@link #readIndex}, {@link #weaken} and
 * {@link #onPersisted()}. Outputs: frames in the {@link Outbox}, the unstable tail of the {@link RaftLog} and a
 * dirty term/vote to persist, the commit index to apply up to, and {@link RaftListener} callbacks.
 *
 * <p>The runtime's contract for each batch of inputs: call {@link #flush()}; send the frames that do not wait for
 * persistence; persist the term and vote (if {@link #hardStateDirty()}) and the unstable tail; call
 * {@link #onPersisted()}; send the remaining frames; apply committed entries up to
 * {@code min(commitIndex(), log().persistedIndex())}.
 */
public final class RaftCore implements MessageHandler<Peer> {
    /** {@link #propose} result: this node is not the leader. */
    public static final long NOT_LEADER = -1;

    private static final byte[] EMPTY = new byte[0];

    private final NodeAddress self;
    private final CoreConfig config;
    private final RandomGenerator random;
    private final RaftLog log;
    private final Outbox outbox;
    private final FrameEncoder encoder;
    private final RaftListener listener;
    private final SnapshotTransfer snapshots;
    private final UnsafeBuffer emptyPayload = new UnsafeBuffer(EMPTY);
    private final UnsafeBuffer recordView = new UnsafeBuffer(0, 0);
    private MutableDirectBuffer recordTarget;
    private int recordPosition;

    private Peer[] peers;
    private boolean selfVoter;
    private long[] scratch;

    private Role role = Role.FOLLOWER;
    private long term;
    private NodeAddress votedFor;
    private NodeAddress leader;
    private Peer leaderPeer;
    private boolean hardStateDirty;
    private long commitIndex;
    private long appliedIndex;

    private long nowNs;
    private long electionDeadlineNs;
    private long heartbeatDeadlineNs;
    private long checkQuorumDeadlineNs;
    private long lastLeaderContactNs = Long.MIN_VALUE;
    private long weakenedUntilNs = Long.MIN_VALUE;
    private long weakenedTerm = -1;
    private NodeState reportedState = NodeState.FOLLOWER;
    private NodeAddress reportedLeader;

    private boolean committedInTerm;
    private long readSeq;
    private long readRoundSentNs;
    private final ReadQueue reads = new ReadQueue();
    private final EnumSet<DeliberateBug> bugs = EnumSet.noneOf(DeliberateBug.class);
    private boolean selfGranted;

    /**
     * @param self     this node's address.
     * @param members  the voters of the configuration, this node included or not.
     * @param term     the persisted term.
     * @param votedFor the persisted vote in that term, or {@code null}.
     * @param log      the log over the node's storage.
     * @param random    the seeded source of election-timeout jitter.
     * @param snapshots where snapshots are read to send and stored when received.
     * @param nowNs     the current time.
     */
    public RaftCore(NodeAddress self, List<NodeAddress> members, long term, NodeAddress votedFor, RaftLog log,
        CoreConfig config, RandomGenerator random, Outbox outbox, FrameEncoder encoder, RaftListener listener,
        SnapshotTransfer snapshots, long nowNs) {
        this.self = self;
        this.config = config;
        this.random = random;
        this.log = log;
        this.outbox = outbox;
        this.encoder = encoder;
        this.listener = listener;
        this.snapshots = snapshots;
        this.term = term;
        this.votedFor = votedFor;
        this.nowNs = nowNs;
        configure(members);
        resetElectionTimer();
    }

    private void configure(List<NodeAddress> members) {
        selfVoter = members.contains(self);
        final NodeAddress[] sorted = members.stream().filter(a -> !a.equals(self)).sorted().toArray(NodeAddress[]::new);
        peers = new Peer[sorted.length];
        for (int i = 0; i < sorted.length; i++) {
            peers[i] = new Peer(sorted[i], config.maxInflightAppends(), config.maxInflightBytes());
            peers[i].voter = true;
        }
        scratch = new long[peers.length + 1];
    }

    // ---------------------------------------------------------------- accessors

    public RaftLog log() {
        return log;
    }

    public NodeAddress self() {
        return self;
    }

    public long term() {
        return term;
    }

    public NodeAddress votedFor() {
        return votedFor;
    }

    public Role role() {
        return role;
    }

    /** @return the leader this node knows of, or {@code null}. */
    public NodeAddress leader() {
        return leader;
    }

    public long commitIndex() {
        return commitIndex;
    }

    public long appliedIndex() {
        return appliedIndex;
    }

    /** @return whether term or vote changed since {@link #clearHardStateDirty()}; they must be durable first. */
    public boolean hardStateDirty() {
        return hardStateDirty;
    }

    public void clearHardStateDirty() {
        hardStateDirty = false;
    }

    /** @return the role as the API reports it. */
    public NodeState state() {
        switch (role) {
            case LEADER:
                return NodeState.LEADER;
            case CANDIDATE:
                return NodeState.CANDIDATE;
            case PRE_CANDIDATE:
                return NodeState.PRE_CANDIDATE;
            default:
                if (!selfVoter) {
                    return NodeState.LEARNER;
                }
                return weakenedUntilNs > nowNs ? NodeState.WEAKENED : NodeState.FOLLOWER;
        }
    }

    /** @return the other members, in address order. */
    public Peer[] peers() {
        return peers;
    }

    /**
     * Finds the member whose address bytes these are.
     *
     * @return the peer, or {@code null} for this node itself or a stranger.
     */
    public Peer resolve(DirectBuffer buffer, int offset, int length) {
        for (Peer peer : peers) {
            final byte[] bytes = peer.addressBytes();
            if (bytes.length == length && equalBytes(bytes, buffer, offset)) {
                return peer;
            }
        }
        return null;
    }

    /**
     * @param address a member's address.
     * @return the peer, or {@code null}.
     */
    public Peer peer(NodeAddress address) {
        for (Peer peer : peers) {
            if (peer.address().equals(address)) {
                return peer;
            }
        }
        return null;
    }

    private static boolean equalBytes(byte[] bytes, DirectBuffer buffer, int offset) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] != buffer.getByte(offset + i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Makes this core violate the protocol on purpose; for proving checkers only.
     *
     * @param bug the violation to commit from now on.
     */
    public void inject(DeliberateBug bug) {
        bugs.add(bug);
    }

    // ---------------------------------------------------------------- local inputs

    /**
     * Advances time: fires the election timer, the heartbeat and the check-quorum when due.
     *
     * @param now the current time in nanoseconds, never decreasing.
     */
    public void tick(long now) {
        nowNs = Math.max(nowNs, now);
        if (role == Role.LEADER) {
            tickHeartbeat();
        } else {
            tickElection();
        }
        reportChanges();
    }

    private void tickElection() {
        if (nowNs < electionDeadlineNs) {
            return;
        }
        if (!selfVoter || weakenedUntilNs > nowNs) {
            resetElectionTimer();
            return;
        }
        listener.onElectionTimeout(term);
        campaign(config.preVote(), false);
    }

    private void tickHeartbeat() {
        if (nowNs >= heartbeatDeadlineNs) {
            broadcastHeartbeat(true);
        }
        if (config.checkQuorum() && nowNs >= checkQuorumDeadlineNs) {
            checkQuorumDeadlineNs = nowNs + config.electionTimeoutMaxNs();
            if (!quorumActive()) {
                becomeFollower(term, null);
                return;
            }
            lastLeaderContactNs = nowNs;
            for (Peer peer : peers) {
                peer.recentActive = false;
            }
        }
    }

    /**
     * Starts an election now, as if the election timer had fired (etcd's {@code Campaign}); a leader, a learner or
     * a node outside the configuration does nothing.
     */
    public void campaign() {
        if (role != Role.LEADER && selfVoter) {
            campaign(config.preVote(), false);
            reportChanges();
        }
    }

    /**
     * Appends a command to the log if this node leads.
     *
     * @return the entry's index, or {@link #NOT_LEADER}.
     */
    public long propose(DirectBuffer payload, int offset, int length) {
        if (role != Role.LEADER) {
            return NOT_LEADER;
        }
        return log.append(term, LogEntry.TYPE_COMMAND, payload, offset, length);
    }

    /**
     * Asks for a read index (thesis §6.4). The answer comes through {@link RaftListener#onReadIndex}: on a leader
     * once a majority confirmed its leadership, on a follower once the leader answered.
     *
     * @param requestId the caller's id for the read (or batch of reads).
     */
    public void readIndex(long requestId) {
        if (role == Role.LEADER) {
            enqueueRead(requestId, null);
        } else if (null != leaderPeer) {
            send(leaderPeer, encoder.readIndexRequest(outbox.buffer(), outbox.position(), term, requestId), false);
        } else {
            listener.onReadIndex(requestId, -1, false);
        }
    }

    /**
     * Asks the leader for its view of the members; the answer comes through {@link RaftListener#onPeers}.
     *
     * @return whether a request was sent (a leader is known and it is not this node).
     */
    public boolean requestPeers(long requestId) {
        if (role == Role.LEADER || null == leaderPeer) {
            return false;
        }
        send(leaderPeer, encoder.peersRequest(outbox.buffer(), outbox.position(), term, requestId), false);
        return true;
    }

    /**
     * Sends forwarded commands to the leader.
     *
     * @return the offset where the caller writes the commands, or -1 when no leader is known (or it is this node).
     */
    public int beginForward() {
        if (role == Role.LEADER || null == leaderPeer) {
            return -1;
        }
        return encoder.beginClientRequest(outbox.buffer(), outbox.position(), term);
    }

    /** Completes a forward begun with {@link #beginForward()}. */
    public void finishForward(int count, int commandsLength) {
        final int length = encoder.finishClientRequest(outbox.buffer(), outbox.position(), count, commandsLength);
        send(leaderPeer, length, false);
    }

    /** @return the encoder, for callers writing frames through {@link #beginForward()}. */
    public FrameEncoder encoder() {
        return encoder;
    }

    /**
     * Makes this node ignore election timeouts until {@code untilNs} or until a leader of a later term contacts
     * it; a leader steps down first.
     */
    public void weaken(long untilNs) {
        if (role == Role.LEADER) {
            becomeFollower(term, null);
        } else if (role != Role.FOLLOWER) {
            becomeFollower(term, leaderPeer);
        }
        weakenedUntilNs = untilNs;
        weakenedTerm = term;
        resetElectionTimer();
        reportChanges();
    }

    /** The runtime made the unstable tail and the term/vote durable. */
    public void onPersisted() {
        if (role == Role.LEADER && maybeCommit()) {
            releaseReads();
        }
        reportChanges();
    }

    /**
     * The state machine has applied up to {@code index} (or was restored from a snapshot of it); what is applied
     * is committed, so the commit index is at least that.
     */
    public void onApplied(long index) {
        appliedIndex = Math.max(appliedIndex, index);
        commitIndex = Math.max(commitIndex, index);
    }

    /** A frame to this peer could not be sent; fall back to probing so the gap is filled. */
    public void onSendFailed(Peer peer) {
        if (role == Role.LEADER && peer.progress.state == Progress.State.REPLICATE) {
            peer.progress.becomeProbe();
        }
    }

    /** The transport connected or lost a peer. */
    public void onConnection(Peer peer, boolean connected) {
        peer.connected = connected;
    }

    /**
     * Ends a batch of inputs: a leader sends the entries accumulated since the last flush to every follower whose
     * window allows, and starts a heartbeat round for reads waiting to be confirmed.
     */
    public void flush() {
        if (role == Role.LEADER) {
            if (reads.hasUnassigned() && committedInTerm) {
                broadcastHeartbeat(true);
            }
            for (Peer peer : peers) {
                sendAppends(peer);
            }
            if (maybeCommit()) {
                releaseReads();
            }
        }
        reportChanges();
    }

    // ---------------------------------------------------------------- term preamble (§3.3)

    /**
     * Applies the term rules shared by every Raft message: a later term makes this node a follower of it
     * (except for pre-votes, which never change terms, and votes refused during a leader's lease); an earlier term
     * gets a rejection carrying the current term so that a stale node learns it.
     *
     * @return whether the message should be handled further.
     */
    private boolean checkTerm(Peer from, long messageTerm, int type, boolean transfer, boolean preVoteGranted) {
        if (messageTerm > term) {
            final boolean voteRequest = type == MessageType.VOTE_REQUEST || type == MessageType.PRE_VOTE_REQUEST;
            if (voteRequest && !transfer && inLease()) {
                return false;
            }
            if (type == MessageType.PRE_VOTE_REQUEST || (type == MessageType.PRE_VOTE_RESPONSE && preVoteGranted)) {
                return true;
            }
            final boolean fromLeader = type == MessageType.APPEND_REQUEST || type == MessageType.HEARTBEAT
                || type == MessageType.INSTALL_SNAPSHOT;
            becomeFollower(messageTerm, fromLeader ? from : null);
            return true;
        }
        if (messageTerm < term) {
            switch (type) {
                case MessageType.APPEND_REQUEST:
                case MessageType.INSTALL_SNAPSHOT:
                    send(from, encoder.appendResponse(outbox.buffer(), outbox.position(), term, false, 0, 0, 0), true);
                    break;
                case MessageType.HEARTBEAT:
                    send(from, encoder.heartbeatResponse(outbox.buffer(), outbox.position(), term, 0), true);
                    break;
                case MessageType.VOTE_REQUEST:
                case MessageType.PRE_VOTE_REQUEST:
                    send(from, encoder.voteResponse(outbox.buffer(), outbox.position(),
                        type == MessageType.PRE_VOTE_REQUEST, term, false), true);
                    break;
                default:
                    break;
            }
            return false;
        }
        return true;
    }

    /** Whether this node heard from a live leader within the minimum election timeout (thesis §4.2.3). */
    private boolean inLease() {
        return config.checkQuorum() && null != leader && nowNs - lastLeaderContactNs < config.electionTimeoutMinNs();
    }

    // ---------------------------------------------------------------- messages

    @Override
    public void onAppendRequest(Peer from, long messageTerm, long prevIndex, long prevTerm, long commit,
        EntryBatch entries) {
        from.lastReceivedNs = nowNs;
        if (!checkTerm(from, messageTerm, MessageType.APPEND_REQUEST, false, false)) {
            return;
        }
        if (role == Role.LEADER) {
            return;
        }
        followLeader(from);
        if (prevIndex < commitIndex) {
            // Everything up to the commit index is known to match; only the part after it can be new.
            send(from, encoder.appendResponse(outbox.buffer(), outbox.position(), term, true, commitIndex, 0, 0), true);
            return;
        }
        if (log.matchTerm(prevIndex, prevTerm)) {
            log.appendFromLeader(entries, commitIndex);
            final long lastNew = prevIndex + entries.count();
            // §3.5: the leader's commit index applies only to entries known to match it.
            commitTo(Math.min(commit, lastNew));
            send(from, encoder.appendResponse(outbox.buffer(), outbox.position(), term, true, lastNew, 0, 0), true);
        } else {
            final long hintIndex = log.findConflictByTerm(Math.min(prevIndex, log.lastIndex()), prevTerm);
            final long hintTerm = Math.max(log.term(hintIndex), 0);
            send(from, encoder.appendResponse(outbox.buffer(), outbox.position(), term, false, prevIndex, hintIndex,
                hintTerm), true);
        }
        reportChanges();
    }

    @Override
    public void onAppendResponse(Peer from, long messageTerm, boolean success, long index, long hintIndex,
        long hintTerm) {
        from.lastReceivedNs = nowNs;
        if (!checkResponseTerm(messageTerm) || role != Role.LEADER) {
            return;
        }
        from.recentActive = true;
        final Progress progress = from.progress;
        if (success) {
            if (progress.maybeUpdate(index)) {
                from.lastProgressNs = nowNs;
                if (progress.state == Progress.State.PROBE) {
                    progress.becomeReplicate();
                } else {
                    progress.inflights.freeUpTo(index);
                }
                if (maybeCommit()) {
                    releaseReads();
                }
            } else if (progress.state == Progress.State.REPLICATE) {
                progress.inflights.freeUpTo(index);
            }
        } else if (progress.state == Progress.State.REPLICATE) {
            if (index > progress.match) {
                progress.becomeProbe();
            }
        } else if (progress.state == Progress.State.PROBE && index == progress.next - 1) {
            final long matchHint = hintTerm > 0 ? log.findConflictByTerm(hintIndex, hintTerm) : hintIndex;
            progress.next = Math.max(Math.min(index, matchHint + 1), progress.match + 1);
            progress.probeSent = false;
        }
        reportChanges();
    }

    @Override
    public void onHeartbeat(Peer from, long messageTerm, long commit, long readRound) {
        from.lastReceivedNs = nowNs;
        if (!checkTerm(from, messageTerm, MessageType.HEARTBEAT, false, false)) {
            return;
        }
        if (role == Role.LEADER) {
            return;
        }
        followLeader(from);
        // The leader sends min(its commit, our match), so the entries up to it are known to match.
        commitTo(Math.min(commit, log.lastIndex()));
        send(from, encoder.heartbeatResponse(outbox.buffer(), outbox.position(), term, readRound), true);
        reportChanges();
    }

    @Override
    public void onHeartbeatResponse(Peer from, long messageTerm, long readRound) {
        from.lastReceivedNs = nowNs;
        if (!checkResponseTerm(messageTerm) || role != Role.LEADER) {
            return;
        }
        from.recentActive = true;
        if (readRound > from.ackedReadSeq) {
            from.ackedReadSeq = readRound;
            if (readRound == readSeq) {
                listener.onRpcLatency(from.address(), nowNs - readRoundSentNs);
            }
        }
        final Progress progress = from.progress;
        if (progress.state == Progress.State.PROBE || progress.state == Progress.State.SNAPSHOT) {
            progress.probeSent = false;
        } else if (progress.state == Progress.State.REPLICATE && progress.inflights.count() > 0
            && nowNs - from.lastProgressNs > 2 * config.heartbeatIntervalNs()) {
            // The follower answers heartbeats but not the appends in flight: they were lost. Resend from its match.
            progress.becomeProbe();
        }
        releaseReads();
    }

    @Override
    public void onVoteRequest(Peer from, long messageTerm, boolean preVote, long lastIndex, long lastTerm,
        boolean transfer) {
        from.lastReceivedNs = nowNs;
        final int type = preVote ? MessageType.PRE_VOTE_REQUEST : MessageType.VOTE_REQUEST;
        if (!checkTerm(from, messageTerm, type, transfer, false)) {
            return;
        }
        final boolean canVote = from.address().equals(votedFor)
            || (null == votedFor && null == leader)
            || (preVote && messageTerm > term);
        final boolean grant = selfVoter && canVote && log.isUpToDate(lastIndex, lastTerm);
        if (grant && !preVote) {
            votedFor = from.address();
            hardStateDirty = true;
            resetElectionTimer();
        }
        send(from, encoder.voteResponse(outbox.buffer(), outbox.position(), preVote, grant ? messageTerm : term, grant),
            true);
        reportChanges();
    }

    @Override
    public void onVoteResponse(Peer from, long messageTerm, boolean preVote, boolean granted) {
        from.lastReceivedNs = nowNs;
        if (messageTerm > term && !(preVote && granted)) {
            becomeFollower(messageTerm, null);
            reportChanges();
            return;
        }
        final boolean counts = preVote
            ? role == Role.PRE_CANDIDATE && (messageTerm == term + 1 || !granted)
            : role == Role.CANDIDATE && messageTerm == term;
        if (!counts || from.answered) {
            return;
        }
        from.answered = true;
        from.granted = granted;
        final int result = voteResult();
        if (result > 0) {
            if (role == Role.PRE_CANDIDATE) {
                becomeCandidate(false);
            } else {
                becomeLeader();
            }
        } else if (result < 0) {
            becomeFollower(term, null);
        }
        reportChanges();
    }

    @Override
    public void onTimeoutNow(Peer from, long messageTerm) {
        from.lastReceivedNs = nowNs;
        if (!checkTerm(from, messageTerm, MessageType.TIMEOUT_NOW, false, false)) {
            return;
        }
        if (role != Role.LEADER && selfVoter) {
            // Leadership transfer (thesis §3.10): campaign at once, without pre-vote, past the voters' lease.
            campaign(false, true);
            reportChanges();
        }
    }

    @Override
    public void onClientRequest(Peer from, long messageTerm, CommandBatch commands) {
        from.lastReceivedNs = nowNs;
        if (role != Role.LEADER) {
            final byte[] hint = null == leaderPeer ? null : leaderPeer.addressBytes();
            send(from, encoder.clientReject(outbox.buffer(), outbox.position(), term, hint), false);
            return;
        }
        commands.rewind();
        while (commands.hasCommand()) {
            log.append(term, LogEntry.TYPE_COMMAND, commands.buffer(), commands.payloadOffset(),
                commands.payloadLength());
            commands.next();
        }
    }

    @Override
    public void onClientReject(Peer from, long messageTerm, DirectBuffer buffer, int leaderOffset, int leaderLength) {
        from.lastReceivedNs = nowNs;
        final Peer hint = leaderLength == 0 ? null : resolve(buffer, leaderOffset, leaderLength);
        if (leaderPeer == from && role != Role.LEADER) {
            leaderPeer = hint;
            leader = null == hint ? null : hint.address();
        }
        listener.onClientReject(null == hint ? null : hint.address());
        reportChanges();
    }

    @Override
    public void onReadIndexRequest(Peer from, long messageTerm, long requestId) {
        from.lastReceivedNs = nowNs;
        if (role == Role.LEADER) {
            enqueueRead(requestId, from);
        } else {
            send(from, encoder.readIndexResponse(outbox.buffer(), outbox.position(), term, requestId, 0, false), false);
        }
    }

    @Override
    public void onReadIndexResponse(Peer from, long messageTerm, long requestId, long readIndex, boolean success) {
        from.lastReceivedNs = nowNs;
        listener.onReadIndex(requestId, readIndex, success);
    }

    @Override
    public void onPeersRequest(Peer from, long messageTerm, long requestId) {
        from.lastReceivedNs = nowNs;
        final MutableDirectBuffer buffer = outbox.buffer();
        final int offset = outbox.position();
        final int start = encoder.beginPeersResponse(buffer, offset, term, requestId);
        int count = 0;
        int position = start;
        if (role == Role.LEADER) {
            position = writePeers(buffer, position);
            count = peers.length + 1;
        }
        send(from, encoder.finishPeersResponse(buffer, offset, count, position - start), false);
    }

    /**
     * Writes this leader's view of every member as PeersResponse entries.
     *
     * @return the position after the last entry.
     */
    public int writePeers(MutableDirectBuffer buffer, int position) {
        final byte[] selfBytes = self.toString().getBytes(StandardCharsets.US_ASCII);
        int p = encoder.addPeer(buffer, position, selfBytes, NodeState.LEADER.ordinal(), true, log.lastIndex(),
            log.lastIndex() + 1, 0, 0);
        for (Peer peer : peers) {
            final NodeState state = peer.voter ? NodeState.FOLLOWER : NodeState.LEARNER;
            final boolean connected = peer.connected || nowNs - peer.lastReceivedNs < config.electionTimeoutMaxNs();
            p = encoder.addPeer(buffer, p, peer.addressBytes(), state.ordinal(), connected, peer.progress.match,
                peer.progress.next, ago(peer.lastSentNs), ago(peer.lastReceivedNs));
        }
        return p;
    }

    private long ago(long timeNs) {
        return timeNs == Long.MIN_VALUE ? -1 : nowNs - timeNs;
    }

    @Override
    public void onPeersResponse(Peer from, long messageTerm, long requestId, DirectBuffer buffer, int offset,
        int count) {
        from.lastReceivedNs = nowNs;
        listener.onPeers(requestId, buffer, offset, count);
    }

    @Override
    public void onInstallSnapshot(Peer from, long messageTerm, SnapshotChunk chunk) {
        from.lastReceivedNs = nowNs;
        if (!checkTerm(from, messageTerm, MessageType.INSTALL_SNAPSHOT, false, false) || role == Role.LEADER) {
            return;
        }
        followLeader(from);
        long next = SnapshotTransfer.INSTALLED;
        if (chunk.snapshotIndex() > commitIndex) {
            next = snapshots.accept(chunk);
            if (next == SnapshotTransfer.INSTALLED) {
                // §5.3: the snapshot replaces every entry it covers; the state machine now holds its state.
                log.resetAfterSnapshot();
                onApplied(chunk.snapshotIndex());
            }
        }
        send(from, encoder.installSnapshotResponse(outbox.buffer(), outbox.position(), term, chunk.snapshotIndex(),
            chunk.snapshotTerm(), next, true), true);
        reportChanges();
    }

    @Override
    public void onInstallSnapshotResponse(Peer from, long messageTerm, long snapshotIndex, long snapshotTerm,
        long nextOffset, boolean success) {
        from.lastReceivedNs = nowNs;
        if (!checkResponseTerm(messageTerm) || role != Role.LEADER) {
            return;
        }
        from.recentActive = true;
        final Progress progress = from.progress;
        if (progress.state != Progress.State.SNAPSHOT || snapshotIndex != progress.pendingSnapshot) {
            return;
        }
        if (nextOffset == SnapshotTransfer.INSTALLED) {
            from.closeSnapshot();
            progress.match = Math.max(progress.match, snapshotIndex);
            progress.becomeProbe();
            from.lastProgressNs = nowNs;
        } else {
            from.snapshotOffset = Math.max(0, nextOffset);
            progress.probeSent = false;
        }
    }

    /** A response from a later term deposes this node; one from an earlier term is stale. */
    private boolean checkResponseTerm(long messageTerm) {
        if (messageTerm > term) {
            becomeFollower(messageTerm, null);
            reportChanges();
            return false;
        }
        return messageTerm == term;
    }

    private void followLeader(Peer from) {
        if (role != Role.FOLLOWER) {
            becomeFollower(term, from);
        }
        if (leaderPeer != from) {
            leaderPeer = from;
            leader = from.address();
        }
        lastLeaderContactNs = nowNs;
        if (weakenedUntilNs > nowNs && term > weakenedTerm) {
            weakenedUntilNs = Long.MIN_VALUE;
        }
        resetElectionTimer();
    }

    private void commitTo(long index) {
        if (index > commitIndex) {
            commitIndex = index;
        }
    }

    // ---------------------------------------------------------------- roles

    private void becomeFollower(long newTerm, Peer newLeader) {
        if (newTerm > term) {
            term = newTerm;
            votedFor = null;
            hardStateDirty = true;
        }
        if (role == Role.LEADER) {
            failReads();
            for (Peer peer : peers) {
                peer.closeSnapshot();
            }
        }
        role = Role.FOLLOWER;
        leaderPeer = newLeader;
        leader = null == newLeader ? null : newLeader.address();
        if (null != newLeader) {
            lastLeaderContactNs = nowNs;
        }
        resetElectionTimer();
    }

    private void campaign(boolean preVote, boolean transfer) {
        if (preVote) {
            becomePreCandidate();
        } else {
            becomeCandidate(transfer);
        }
    }

    private void becomePreCandidate() {
        role = Role.PRE_CANDIDATE;
        leaderPeer = null;
        leader = null;
        startElection(true, false);
    }

    private void becomeCandidate(boolean transfer) {
        term++;
        votedFor = self;
        hardStateDirty = true;
        role = Role.CANDIDATE;
        leaderPeer = null;
        leader = null;
        startElection(false, transfer);
    }

    private void startElection(boolean preVote, boolean transfer) {
        resetElectionTimer();
        selfGranted = true;
        for (Peer peer : peers) {
            peer.granted = false;
            peer.answered = false;
        }
        final int result = voteResult();
        if (result > 0) {
            if (preVote) {
                becomeCandidate(transfer);
            } else {
                becomeLeader();
            }
            return;
        }
        final long requestTerm = preVote ? term + 1 : term;
        for (Peer peer : peers) {
            if (peer.voter || peer.oldVoter) {
                send(peer, encoder.voteRequest(outbox.buffer(), outbox.position(), preVote, requestTerm,
                    log.lastIndex(), log.lastTerm(), transfer), false);
            }
        }
    }

    private void becomeLeader() {
        role = Role.LEADER;
        leaderPeer = null;
        leader = self;
        lastLeaderContactNs = nowNs;
        committedInTerm = false;
        final long lastIndex = log.lastIndex();
        for (Peer peer : peers) {
            peer.closeSnapshot();
            peer.progress.reset(lastIndex);
            peer.recentActive = true;
            peer.ackedReadSeq = 0;
            peer.lastProgressNs = nowNs;
        }
        readSeq = 0;
        checkQuorumDeadlineNs = nowNs + config.electionTimeoutMaxNs();
        heartbeatDeadlineNs = nowNs + config.heartbeatIntervalNs();
        // §6.4 / §3.6.2: an entry of the new term commits the earlier ones and lets reads be served.
        log.append(term, LogEntry.TYPE_NOOP, emptyPayload, 0, 0);
    }

    private void resetElectionTimer() {
        electionDeadlineNs = nowNs + random.nextLong(config.electionTimeoutMinNs(), config.electionTimeoutMaxNs());
    }

    /** @return 1 when the election is won, -1 when it is lost, 0 while undecided. */
    private int voteResult() {
        final int voters = countVoters();
        int granted = selfVoter && selfGranted ? 1 : 0;
        int rejected = 0;
        for (Peer peer : peers) {
            if (peer.voter && peer.answered) {
                if (peer.granted) {
                    granted++;
                } else {
                    rejected++;
                }
            }
        }
        final int quorum = voters / 2 + 1;
        if (granted >= quorum) {
            return 1;
        }
        return rejected > voters - quorum ? -1 : 0;
    }

    private int countVoters() {
        int voters = selfVoter ? 1 : 0;
        for (Peer peer : peers) {
            if (peer.voter) {
                voters++;
            }
        }
        return voters;
    }

    // ---------------------------------------------------------------- leader: replication and commit

    private void sendAppends(Peer peer) {
        final Progress progress = peer.progress;
        if (progress.state == Progress.State.SNAPSHOT) {
            if (!progress.probeSent) {
                sendSnapshotChunk(peer);
            }
            return;
        }
        while (progress.canSend() && progress.next <= log.lastIndex()) {
            final long prevIndex = progress.next - 1;
            final long prevTerm = log.term(prevIndex);
            if (prevTerm < 0) {
                // §5.3: the entries this follower needs were compacted into a snapshot; send the snapshot.
                startSnapshot(peer);
                return;
            }
            final MutableDirectBuffer buffer = outbox.buffer();
            final int offset = outbox.position();
            final int entriesOffset = encoder.beginAppendRequest(buffer, offset, term, prevIndex, prevTerm,
                commitIndex);
            final int count = log.copyEntries(progress.next, config.batchEntriesLimit(), config.maxAppendBytes(),
                buffer, entriesOffset);
            final int bytes = log.copiedBytes(entriesOffset);
            send(peer, encoder.finishAppendRequest(buffer, offset, count, bytes), false);
            final long lastSent = prevIndex + count;
            if (progress.state == Progress.State.REPLICATE) {
                progress.next = lastSent + 1;
                progress.inflights.add(lastSent, bytes);
            } else {
                progress.probeSent = true;
            }
        }
    }

    private void startSnapshot(Peer peer) {
        final io.skiff.spi.SnapshotStore.Reader reader = snapshots.openLatest();
        if (null == reader) {
            return;
        }
        peer.closeSnapshot();
        peer.snapshot = reader;
        peer.progress.becomeSnapshot(reader.meta().index());
        sendSnapshotChunk(peer);
    }

    /** Streams one chunk of the snapshot from the peer's offset; the next goes once this one is answered. */
    private void sendSnapshotChunk(Peer peer) {
        final io.skiff.spi.SnapshotStore.Reader reader = peer.snapshot;
        final io.skiff.spi.SnapshotMeta meta = reader.meta();
        final MutableDirectBuffer buffer = outbox.buffer();
        final int offset = outbox.position();
        final int records = encoder.beginInstallSnapshot(buffer, offset, term, meta.index(), meta.term(),
            peer.snapshotOffset, meta.configuration());
        recordTarget = buffer;
        recordPosition = records;
        final int count = reader.read(peer.snapshotOffset, config.snapshotChunkRecords(), config.snapshotChunkBytes(),
            this::copyRecord);
        recordTarget = null;
        final boolean last = peer.snapshotOffset + count >= meta.records();
        final int length = encoder.finishInstallSnapshot(buffer, offset, count, last,
            recordPosition - offset - encoder.headerLength());
        send(peer, length, false);
        peer.progress.probeSent = true;
    }

    private void copyRecord(java.nio.ByteBuffer record) {
        final int length = record.remaining();
        recordView.wrap(record, record.position(), length);
        recordPosition = encoder.addSnapshotRecord(recordTarget, recordPosition, length);
        recordTarget.putBytes(recordPosition, recordView, 0, length);
        recordPosition += length;
    }

    private void broadcastHeartbeat(boolean newRound) {
        if (newRound) {
            readSeq++;
            readRoundSentNs = nowNs;
            reads.assign(readSeq);
        }
        heartbeatDeadlineNs = nowNs + config.heartbeatIntervalNs();
        for (Peer peer : peers) {
            // A follower may not commit past what is known to match the leader's log.
            final long commit = Math.min(commitIndex, peer.progress.match);
            send(peer, encoder.heartbeat(outbox.buffer(), outbox.position(), term, commit, readSeq), false);
        }
        releaseReads();
    }

    /**
     * Commits the highest index replicated on a majority, but only if it belongs to the current term: entries of
     * earlier terms commit indirectly (thesis §3.6.2, Figure 3.7).
     *
     * @return whether the commit index moved.
     */
    private boolean maybeCommit() {
        final long quorumIndex = quorumMatch();
        if (quorumIndex > commitIndex
            && (log.term(quorumIndex) == term || bugs.contains(DeliberateBug.COMMIT_BY_COUNTING))) {
            commitIndex = quorumIndex;
            if (!committedInTerm) {
                committedInTerm = true;
                reads.setReadIndex(commitIndex);
            }
            return true;
        }
        return false;
    }

    private long quorumMatch() {
        int n = 0;
        if (selfVoter) {
            scratch[n++] = log.persistedIndex();
        }
        for (Peer peer : peers) {
            if (peer.voter) {
                scratch[n++] = peer.progress.match;
            }
        }
        return majorityValue(n);
    }

    private long quorumReadRound() {
        int n = 0;
        if (selfVoter) {
            scratch[n++] = readSeq;
        }
        for (Peer peer : peers) {
            if (peer.voter) {
                scratch[n++] = peer.ackedReadSeq;
            }
        }
        return majorityValue(n);
    }

    /** @return the largest value that a majority of the first {@code n} scratch values reach. */
    private long majorityValue(int n) {
        if (n == 0) {
            return 0;
        }
        Arrays.sort(scratch, 0, n);
        return scratch[(n - 1) / 2];
    }

    private boolean quorumActive() {
        int active = selfVoter ? 1 : 0;
        for (Peer peer : peers) {
            if (peer.voter && peer.recentActive) {
                active++;
            }
        }
        return active >= countVoters() / 2 + 1;
    }

    // ---------------------------------------------------------------- reads

    private void enqueueRead(long requestId, Peer requester) {
        if (bugs.contains(DeliberateBug.READ_WITHOUT_QUORUM)) {
            reads.add(requestId, requester, commitIndex);
            reads.assign(Long.MAX_VALUE);
            releaseReadsUpTo(Long.MAX_VALUE);
            return;
        }
        reads.add(requestId, requester, committedInTerm ? commitIndex : -1);
        if (countVoters() == 1 && selfVoter) {
            reads.assign(++readSeq);
            releaseReads();
        }
    }

    private void releaseReads() {
        if (!reads.isEmpty()) {
            releaseReadsUpTo(quorumReadRound());
        }
    }

    private void releaseReadsUpTo(long confirmed) {
        while (reads.headConfirmed(confirmed)) {
            final Peer requester = reads.headRequester();
            if (null == requester) {
                listener.onReadIndex(reads.headId(), reads.headReadIndex(), true);
            } else {
                send(requester, encoder.readIndexResponse(outbox.buffer(), outbox.position(), term, reads.headId(),
                    reads.headReadIndex(), true), false);
            }
            reads.removeHead();
        }
    }

    private void failReads() {
        while (!reads.isEmpty()) {
            final Peer requester = reads.headRequester();
            if (null == requester) {
                listener.onReadIndex(reads.headId(), -1, false);
            } else {
                send(requester, encoder.readIndexResponse(outbox.buffer(), outbox.position(), term, reads.headId(),
                    0, false), false);
            }
            reads.removeHead();
        }
    }

    // ---------------------------------------------------------------- output

    private void send(Peer to, int length, boolean waitsPersist) {
        outbox.commit(to, length, waitsPersist && !bugs.contains(DeliberateBug.ACK_BEFORE_PERSIST));
        to.lastSentNs = nowNs;
    }

    private void reportChanges() {
        final NodeState state = state();
        if (state != reportedState) {
            final NodeState from = reportedState;
            reportedState = state;
            listener.onStateChanged(from, state, term);
        }
        if (leader != reportedLeader) {
            reportedLeader = leader;
            listener.onLeaderChanged(leader, term);
        }
    }

    @Override
    public String toString() {
        return self + "{" + role + " term=" + term + " commit=" + commitIndex + " last=" + log.lastIndex() + "}";
    }
}
