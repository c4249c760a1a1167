package io.skiff.core.raft;

import io.skiff.NodeAddress;
import io.skiff.NodeState;
import io.skiff.core.codec.CommandBatch;
import io.skiff.core.codec.EntryBatch;
import io.skiff.core.codec.FrameEncoder;
import io.skiff.core.codec.LogEntry;
import io.skiff.core.codec.MessageHandler;
import io.skiff.core.codec.MessageLayout;
import io.skiff.core.codec.MessageType;
import io.skiff.core.codec.SnapshotChunk;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
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
    /** {@link #leaseReadIndex} result: this node holds no lease; confirm the read with {@link #readIndex}. */
    public static final long NO_LEASE = -1;
    /** Heartbeat rounds whose send time is kept; an answer to an older round does not extend the lease. */
    private static final int LEASE_ROUNDS = 64;

    private static final byte[] EMPTY = new byte[0];
    /** Requests to the leader awaiting an answer that are remembered at most; far more than are ever in flight. */
    private static final int MAX_ASKS = 4096;

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

    private Peer[] peers = new Peer[0];
    private final Strangers strangers = new Strangers();
    private final ConfigurationLog configurations;
    private Configuration configuration;
    /** This node votes in the configuration (either half of a joint one). */
    private boolean selfVoter;
    private boolean selfIncoming;
    private boolean selfOutgoing;
    private long reportedConfigurationIndex = -1;
    private MembershipChange change;
    private LeadershipTransfer transfer;
    private long[] scratch = new long[1];

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
    /** Requests sent to a leader and not yet answered: whom they went to, and in which term. */
    private final Long2ObjectHashMap<Peer> askedPeers =
        new Long2ObjectHashMap<>();
    private final Long2LongHashMap askedTerms = new Long2LongHashMap(
        Long.MAX_VALUE);
    /** Leader: when each of the latest heartbeat rounds was sent, on {@link #leaseClock}, by round modulo size. */
    private final long[] leaseRoundSentNs = new long[LEASE_ROUNDS];
    /** Measures the leader's lease: every step of the clock counts in full, so the lease never seems younger. */
    private final ElapsedClock leaseClock;
    /** Measures this node's promise not to vote for another leader: a jump of the clock counts for little. */
    private final ElapsedClock promiseClock;
    /** Whether this node may have acknowledged a leader's heartbeat, and so promised not to vote for a while. */
    private boolean promised;
    /** A leader was heard in this duty cycle; the promise runs from the next reading of the clock, taken after. */
    private boolean promisePending;
    private long promiseStartNs;
    /** The leader promised, which may have this node's vote; {@code null} after a restart: it may be anyone. */
    private Peer promisedTo;
    /** Leader: it told a node to take over in this term, which may campaign past the voters' promise at any time. */
    private boolean leaseForfeited;
    private final EnumSet<DeliberateBug> bugs = EnumSet.noneOf(DeliberateBug.class);
    private boolean selfGranted;
    /**
     * Counts (pre-)elections. It starts from the clock reading when the core was built, so that a restarted process
     * does not reuse the rounds of its earlier run: its clock moved on by more than that run's elections counted.
     */
    private long electionRound;

    /**
     * @param self     this node's address.
     * @param base      the configuration before the log's own configuration entries: the latest snapshot's, or the
     *                  one the cluster was first started with.
     * @param baseIndex the index it applies from (the snapshot's index, or 0).
     * @param term     the persisted term.
     * @param votedFor the persisted vote in that term, or {@code null}.
     * @param log      the log over the node's storage.
     * @param random    the seeded source of election-timeout jitter.
     * @param snapshots where snapshots are read to send and stored when received.
     * @param nowNs     the current time.
     */
    public RaftCore(NodeAddress self, Configuration base, long baseIndex, long term, NodeAddress votedFor, RaftLog log,
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
        this.electionRound = nowNs;
        leaseClock = new ElapsedClock(Long.MAX_VALUE, nowNs);
        promiseClock = new ElapsedClock(config.leaseClockDriftNs(), nowNs);
        // A node that ever had a term may have acknowledged a leader just before it restarted; its promise holds on.
        promised = term > 0;
        configurations = new ConfigurationLog(baseIndex, base);
        if (log.lastIndex() >= log.firstIndex()) {
            log.forEach(log.firstIndex(), log.lastIndex(), this::recordConfiguration);
        }
        adopt(configurations.latest());
        resetElectionTimer();
    }

    /** Notes a configuration entry of the log (§4.1: a node uses the latest configuration in its log). */
    private void recordConfiguration(long index, long entryTerm, int type, DirectBuffer buffer, int offset,
        int length) {
        if (type == LogEntry.TYPE_CONFIGURATION && index > configurations.latestIndex()) {
            configurations.add(index, Configuration.decode(buffer, offset, length));
        }
    }

    /**
     * Makes a configuration the one in effect: members keep their replication progress, new members start
     * probing, removed ones are forgotten.
     */
    private void adopt(Configuration next) {
        configuration = next;
        selfIncoming = next.voters().contains(self);
        selfOutgoing = next.outgoing().contains(self);
        selfVoter = selfIncoming || selfOutgoing;
        final List<NodeAddress> added = new ArrayList<>();
        final List<NodeAddress> removed = new ArrayList<>();
        final Set<NodeAddress> members = next.members();
        members.remove(self);
        final Peer[] adopted = new Peer[members.size()];
        int i = 0;
        for (NodeAddress member : members) {
            Peer peer = peer(member);
            if (null == peer) {
                peer = strangers.remove(member);
                if (null == peer) {
                    peer = new Peer(member, config.maxInflightAppends(), config.maxInflightBytes());
                } else {
                    // The same object, so that a stranger this node follows stays its leader, now as a member; what
                    // it did as a stranger counted for nothing and is forgotten.
                    peer.stranger = false;
                    peer.granted = false;
                    peer.answered = false;
                    peer.ackedReadSeq = 0;
                    peer.ackedRoundSentNs = Long.MIN_VALUE;
                    peer.closeSnapshot();
                }
                peer.progress.reset(log.lastIndex());
                peer.recentActive = true;
                peer.lastProgressNs = nowNs;
                added.add(member);
            }
            peer.voter = next.voters().contains(member);
            peer.oldVoter = next.outgoing().contains(member);
            adopted[i++] = peer;
        }
        for (Peer peer : peers) {
            if (!members.contains(peer.address())) {
                peer.closeSnapshot();
                removed.add(peer.address());
            }
        }
        peers = adopted;
        scratch = new long[adopted.length + 1];
        if (!added.isEmpty() || !removed.isEmpty()) {
            listener.onPeersChanged(added, removed);
        }
    }

    /** @return the configuration in effect (the latest in the log, committed or not). */
    public Configuration configuration() {
        return configuration;
    }

    /** @return the configuration in effect at an index, for a snapshot taken there. */
    public Configuration configurationAt(long index) {
        return configurations.at(index);
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

    /** @return the round of the current or latest (pre-)election, which answers must echo to count. */
    public long electionRound() {
        return electionRound;
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
                if (!selfVoter && configuration.contains(self)) {
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
     * Finds the sender of a validated frame, by its address bytes. A member is accepted for any message. Thesis
     * §4.1: a Raft RPC or response is accepted from any other node of the cluster, since a node whose log is behind
     * does not know the members added since; an unknown sender becomes a {@link Strangers stranger} (kept for a
     * while, never counted) and the runtime connects to it to answer. An answer to a request this node sent is
     * accepted from a stranger already known: this node asks its leader, which is a stranger while this node is
     * behind. Client, ReadIndex, peers and membership requests are served for members only.
     *
     * @param type the frame's {@link MessageType}.
     * @return the peer, or {@code null} to drop the frame: this node itself, a non-member for a request, a
     * non-canonical address, or a stranger the runtime refused.
     */
    public Peer resolve(int type, DirectBuffer buffer, int offset, int length) {
        final Peer known = known(buffer, offset, length);
        if (null == known) {
            return MessageType.isRaftRpc(type) ? admitStranger(buffer, offset, length) : null;
        }
        return !known.stranger || MessageType.isRaftRpc(type) || MessageType.isAnswer(type) ? known : null;
    }

    /** @return the member or stranger whose address bytes these are, or {@code null}. */
    private Peer known(DirectBuffer buffer, int offset, int length) {
        for (Peer peer : peers) {
            if (peer.hasAddress(buffer, offset, length)) {
                return peer;
            }
        }
        return strangers.find(buffer, offset, length);
    }

    /** Allocates, but only for a sender never heard before (or forgotten since), and keeps at most a few. */
    private Peer admitStranger(DirectBuffer buffer, int offset, int length) {
        final String text = buffer.getStringWithoutLengthAscii(offset, length);
        final NodeAddress address;
        try {
            address = NodeAddress.parse(text);
        } catch (io.skiff.InvalidAddressException e) {
            return null;
        }
        // Only the canonical text, which is what the sender's later frames are matched against byte for byte.
        if (!address.toString().equals(text) || address.equals(self) || !listener.onStrangerHeard(address)) {
            return null;
        }
        final Peer stranger = new Peer(address, config.maxInflightAppends(), config.maxInflightBytes());
        stranger.stranger = true;
        stranger.lastReceivedNs = nowNs;
        final Peer evicted = strangers.add(stranger, leaderPeer);
        if (null != evicted) {
            forgetStranger(evicted);
        }
        return stranger;
    }

    /**
     * Forgets the strangers not heard from for two maximum election timeouts: a leader sends more often than that,
     * and so does a candidate that keeps campaigning. The stranger this node follows stays.
     */
    private void expireStrangers() {
        final long heardBeforeNs = nowNs - 2 * config.electionTimeoutMaxNs();
        Peer expired;
        while (null != (expired = strangers.expire(heardBeforeNs, leaderPeer))) {
            forgetStranger(expired);
        }
    }

    private void forgetStranger(Peer stranger) {
        stranger.closeSnapshot();
        listener.onStrangerForgotten(stranger.address());
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

    /**
     * Makes this core violate the protocol on purpose; for proving checkers only.
     *
     * @param bug the violation to commit from now on.
     */
    public void inject(DeliberateBug bug) {
        bugs.add(bug);
        if (bug == DeliberateBug.JOINER_BOOTS_AS_VOTER && !configuration.contains(self)
            && configurations.latestIndex() == 0) {
            final Set<NodeAddress> voters = new TreeSet<>(configuration.voters());
            voters.add(self);
            configurations.reset(0, Configuration.of(voters));
            adopt(configurations.latest());
        }
    }

    // ---------------------------------------------------------------- local inputs

    /**
     * Moves time forward without firing any timer. The runtime calls it before delivering the frames of a duty
     * cycle and {@link #tick} after them: a node whose loop stalled past its election timeout first reads the
     * heartbeats that waited for it, instead of starting an election its leader never gave it reason for.
     *
     * @param now the current time in nanoseconds.
     */
    public void advanceClock(long now) {
        nowNs = Math.max(nowNs, now);
        leaseClock.observe(now);
        promiseClock.observe(now);
        if (promisePending) {
            promisePending = false;
            promiseStartNs = promiseClock.nowNs();
        }
    }

    /**
     * Advances time: fires the election timer, the heartbeat and the check-quorum when due.
     *
     * @param now the current time in nanoseconds, never decreasing.
     */
    public void tick(long now) {
        advanceClock(now);
        if (null != transfer && nowNs >= transfer.deadlineNs) {
            finishTransfer(MembershipStatus.TIMEOUT, transfer.target + " did not take over in time"
                + (role == Role.LEADER ? "; this node keeps leading" : ""));
        }
        if (role == Role.LEADER) {
            tickHeartbeat();
        } else {
            tickElection();
        }
        if (strangers.count() > 0) {
            expireStrangers();
        }
        reportChanges();
    }

    private void tickElection() {
        if (nowNs < electionDeadlineNs || keepsPromise()) {
            // A node that promised a leader not to vote for another does not vote for itself either.
            return;
        }
        if (!mayCampaign() || weakenedUntilNs > nowNs) {
            resetElectionTimer();
            return;
        }
        listener.onElectionTimeout(term);
        campaign(config.preVote(), false);
    }

    /**
     * Thesis §4.2.2: a server left out of its latest configuration still campaigns while it does not know that
     * configuration committed, if it voted in the one before: committing it may need this server, whose log can be
     * the only up-to-date one (a removed leader that appended it and lost its quorum, say). Its own vote counts only
     * where it is a voter, and it steps down once the configuration commits.
     */
    private boolean mayCampaign() {
        if (selfVoter) {
            return true;
        }
        final long latest = configurations.latestIndex();
        return latest > commitIndex && configurations.at(latest - 1).isVoter(self);
    }

    private void tickHeartbeat() {
        if (nowNs >= heartbeatDeadlineNs) {
            broadcastHeartbeat(true);
        }
        if (null != change && nowNs >= change.deadlineNs) {
            finishChange(MembershipStatus.TIMEOUT, change + " did not finish in time; it may still finish");
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
     * Appends a command to the log if this node leads and is not handing its leadership over (§3.10).
     *
     * @return the entry's index, or {@link #NOT_LEADER}: nothing was appended.
     */
    public long propose(DirectBuffer payload, int offset, int length) {
        if (role != Role.LEADER || null != transfer) {
            return role == Role.LEADER && bugs.contains(DeliberateBug.PROPOSAL_DROPPED_SILENTLY) ? log.lastIndex()
                : NOT_LEADER;
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
            ask(requestId);
            send(leaderPeer, encoder.readIndexRequest(outbox.buffer(), outbox.position(), term, requestId), false);
        } else {
            listener.onReadIndex(requestId, -1, false);
        }
    }

    /**
     * Answers a lease read (thesis §6.4.1) without a round trip, if this node leads and holds a lease: a majority
     * acknowledged a heartbeat round sent less than {@link CoreConfig#leaseNs()} ago, so every node that could elect
     * another leader still keeps its promise not to vote. Never during a leadership transfer, after telling a node
     * to take over (it campaigns past the promise), nor before an entry of this term is committed.
     *
     * @param now a reading of the clock taken just now: the read is linearized at that instant.
     * @return the read index (the commit index), or {@link #NO_LEASE}.
     */
    public long leaseReadIndex(long now) {
        advanceClock(now);
        final boolean handsOver = role != Role.LEADER || null != transfer || leaseForfeited;
        if (handsOver && !bugs.contains(DeliberateBug.LEASE_SURVIVES_STEP_DOWN) || !committedInTerm
            || !config.checkQuorum()) {
            return NO_LEASE;
        }
        final long start = quorumLeaseStart();
        return start != Long.MIN_VALUE && leaseClock.nowNs() - start < config.leaseNs() ? commitIndex : NO_LEASE;
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
        ask(requestId);
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
            advanceMembership();
            for (Peer peer : peers) {
                sendAppends(peer);
            }
            if (maybeCommit()) {
                releaseReads();
            }
            advanceTransfer();
        }
        reportChanges();
    }

    // ---------------------------------------------------------------- membership (§4)

    /**
     * Starts a membership change on this leader, or forwards it to the leader; the outcome comes through
     * {@link RaftListener#onMembershipResult}.
     *
     * @param operation {@code MessageLayout.MEMBERSHIP_JOIN}, {@code _LEAVE} or {@code _TRANSFER}.
     */
    public void requestMembership(long requestId, int operation, NodeAddress target, long deadlineNs) {
        if (role == Role.LEADER) {
            changeMembership(requestId, operation, target, null, deadlineNs);
        } else if (null != leaderPeer) {
            ask(requestId);
            send(leaderPeer, encoder.membershipRequest(outbox.buffer(), outbox.position(), term, requestId,
                operation, target.toString().getBytes(StandardCharsets.US_ASCII)), false);
        } else {
            listener.onMembershipResult(requestId, MembershipStatus.NOT_LEADER, "no leader is known");
        }
        reportChanges();
    }

    private void changeMembership(long requestId, int operation, NodeAddress target, Peer requester,
        long deadlineNs) {
        if (role != Role.LEADER) {
            answer(requester, requestId, MembershipStatus.NOT_LEADER, null == leader ? "no leader is known"
                : "the leader is " + leader);
            return;
        }
        if (operation == MessageLayout.MEMBERSHIP_TRANSFER) {
            startTransfer(requestId, target, requester, deadlineNs);
            return;
        }
        if (null != change || null != transfer) {
            answer(requester, requestId, MembershipStatus.IN_PROGRESS, "refused: " + (null != change ? change
                : "a leadership transfer to " + transfer.target) + " is in progress; one change at a time");
            return;
        }
        if (!committedInTerm || configurations.latestIndex() > commitIndex) {
            // A new leader must commit an entry of its own term before it changes the configuration (the
            // single-server change bug, Ongaro 2015), and changes never overlap.
            answer(requester, requestId, MembershipStatus.RETRY, "the leader is not ready for a change yet");
            return;
        }
        final boolean join = operation == MessageLayout.MEMBERSHIP_JOIN;
        if (join ? configuration.isVoter(target) : !configuration.contains(target)) {
            answer(requester, requestId, MembershipStatus.OK, target + (join ? " already is a voter"
                : " is not a member"));
            return;
        }
        if (!join && configuration.isVoter(target) && configuration.voters().size() == 1) {
            answer(requester, requestId, MembershipStatus.REJECTED, "refused: " + target + " is the last voter");
            return;
        }
        change = new MembershipChange(join ? MembershipChange.Operation.JOIN : MembershipChange.Operation.LEAVE,
            target, requestId, requester, deadlineNs);
        if (join) {
            change.phase = MembershipChange.Phase.LEARNER;
            if (configuration.isLearner(target)) {
                change.entryIndex = configurations.latestIndex();
            } else {
                final Set<NodeAddress> learners = new TreeSet<>(configuration.learners());
                learners.add(target);
                change.entryIndex = appendConfiguration(new Configuration(configuration.voters(), learners,
                    List.of()));
            }
        } else if (configuration.isLearner(target)) {
            final Set<NodeAddress> learners = new TreeSet<>(configuration.learners());
            learners.remove(target);
            change.phase = MembershipChange.Phase.FINAL;
            change.entryIndex = appendConfiguration(new Configuration(configuration.voters(), learners, List.of()));
        } else {
            final Set<NodeAddress> voters = new TreeSet<>(configuration.voters());
            voters.remove(target);
            change.phase = MembershipChange.Phase.JOINT;
            change.entryIndex = appendConfiguration(new Configuration(voters, configuration.learners(),
                configuration.voters()));
        }
    }

    /** Moves the change in progress to its next phase once the current configuration entry is committed. */
    private void advanceMembership() {
        if (configurations.latestIndex() > commitIndex || !committedInTerm) {
            return;
        }
        if (null == change) {
            if (configuration.isJoint()) {
                // A joint configuration left by a previous leader: finish the transition it began (§4.3).
                appendConfiguration(new Configuration(configuration.voters(), configuration.learners(), List.of()));
            }
            return;
        }
        switch (change.phase) {
            case LEARNER: {
                final Peer learner = peer(change.target);
                if (null != learner && learner.progress.match >= commitIndex) {
                    final Set<NodeAddress> voters = new TreeSet<>(configuration.voters());
                    voters.add(change.target);
                    final Set<NodeAddress> learners = new TreeSet<>(configuration.learners());
                    learners.remove(change.target);
                    change.phase = MembershipChange.Phase.JOINT;
                    change.entryIndex = appendConfiguration(new Configuration(voters, learners,
                        configuration.voters()));
                }
                break;
            }
            case JOINT:
                change.phase = MembershipChange.Phase.FINAL;
                change.entryIndex = appendConfiguration(new Configuration(configuration.voters(),
                    configuration.learners(), List.of()));
                break;
            default:
                finishChange(MembershipStatus.OK, change.target + (change.operation == MembershipChange.Operation.JOIN
                    ? " joined" : " left"));
                break;
        }
    }

    /** @return the index of the configuration entry appended by this leader, now in effect. */
    private long appendConfiguration(Configuration next) {
        final byte[] encoded = next.encode();
        final long index = log.append(term, LogEntry.TYPE_CONFIGURATION, new UnsafeBuffer(encoded), 0,
            encoded.length);
        configurations.add(index, next);
        adopt(next);
        return index;
    }

    /** Records the configuration entries among those just appended from the leader, and adopts the latest. */
    private void followConfigurations(EntryBatch entries, long firstAppended) {
        final Configuration before = configuration;
        configurations.truncateFrom(firstAppended);
        for (entries.rewind(); entries.hasEntry(); entries.next()) {
            final int offset = entries.entryOffset();
            if (entries.entryIndex() >= firstAppended
                && LogEntry.type(entries.buffer(), offset) == LogEntry.TYPE_CONFIGURATION) {
                configurations.add(entries.entryIndex(), Configuration.decode(entries.buffer(),
                    offset + LogEntry.HEADER_LENGTH, LogEntry.payloadLength(entries.buffer(), offset)));
            }
        }
        if (!configurations.latest().equals(before)) {
            adopt(configurations.latest());
        }
    }

    private void finishChange(int status, String message) {
        final MembershipChange finished = change;
        change = null;
        answer(finished.requester, finished.requestId, status, message);
    }

    private void answer(Peer requester, long requestId, int status, String message) {
        if (null == requester) {
            listener.onMembershipResult(requestId, status, message);
        } else {
            send(requester, encoder.membershipResponse(outbox.buffer(), outbox.position(), term, requestId, status,
                message.getBytes(StandardCharsets.UTF_8)), false);
        }
    }

    private void startTransfer(long requestId, NodeAddress target, Peer requester, long deadlineNs) {
        if (target.equals(self)) {
            answer(requester, requestId, MembershipStatus.OK, self + " already leads");
            return;
        }
        if (!configuration.isVoter(target)) {
            answer(requester, requestId, MembershipStatus.REJECTED, "refused: " + target + " is not a voter");
            return;
        }
        if (null != transfer || null != change) {
            answer(requester, requestId, MembershipStatus.IN_PROGRESS, "refused: another change is in progress");
            return;
        }
        transfer = new LeadershipTransfer(target, requestId, requester,
            Math.min(deadlineNs, nowNs + config.electionTimeoutMaxNs() * 2));
    }

    /** Tells the target to campaign once it holds the whole log (§3.10). */
    private void advanceTransfer() {
        if (null == transfer || transfer.timeoutNowSent) {
            return;
        }
        final Peer target = peer(transfer.target);
        if (null != target && target.progress.match == log.lastIndex()) {
            send(target, encoder.timeoutNow(outbox.buffer(), outbox.position(), term), false);
            transfer.timeoutNowSent = true;
            leaseForfeited = true;
        }
    }

    /** A transfer ends when this node learns who leads now: the target, or someone else. */
    private void concludeTransfer(Peer newLeader) {
        final boolean done = newLeader.address().equals(transfer.target);
        finishTransfer(done ? MembershipStatus.OK : MembershipStatus.INTERRUPTED, done ? transfer.target + " leads"
            : "leadership moved to " + newLeader.address() + " instead of " + transfer.target);
    }

    private void finishTransfer(int status, String message) {
        final LeadershipTransfer finished = transfer;
        transfer = null;
        answer(finished.requester, finished.requestId, status, message);
    }

    @Override
    public void onMembershipRequest(Peer from, long messageTerm, long requestId, int operation, DirectBuffer buffer,
        int addressOffset, int addressLength) {
        from.lastReceivedNs = nowNs;
        final NodeAddress target;
        try {
            target = NodeAddress.parse(buffer.getStringWithoutLengthAscii(addressOffset, addressLength));
        } catch (io.skiff.InvalidAddressException e) {
            answer(from, requestId, MembershipStatus.REJECTED, e.getMessage());
            return;
        }
        changeMembership(requestId, operation, target, from, nowNs + config.electionTimeoutMaxNs() * 50);
        reportChanges();
    }

    @Override
    public void onMembershipResponse(Peer from, long messageTerm, long requestId, int status, DirectBuffer buffer,
        int messageOffset, int messageLength) {
        from.lastReceivedNs = nowNs;
        if (!answers(from, messageTerm, requestId)) {
            return;
        }
        final byte[] message = new byte[messageLength];
        buffer.getBytes(messageOffset, message);
        listener.onMembershipResult(requestId, status, new String(message, StandardCharsets.UTF_8));
    }

    // ---------------------------------------------------------------- term preamble (§3.3)

    /**
     * Applies the term rules shared by every Raft message: a later term makes this node a follower of it
     * (except for pre-votes, which never change terms, and votes refused during a leader's lease); an earlier term
     * gets a rejection carrying the current term so that a stale node learns it.
     *
     * @param round the round of a vote request, which its rejection echoes; 0 for other messages.
     * @return whether the message should be handled further.
     */
    private boolean checkTerm(Peer from, long messageTerm, int type, boolean transfer, boolean preVoteGranted,
        long round) {
        if (messageTerm > term) {
            final boolean voteRequest = type == MessageType.VOTE_REQUEST || type == MessageType.PRE_VOTE_REQUEST;
            if (voteRequest && !transfer && inLease(from)) {
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
                        type == MessageType.PRE_VOTE_REQUEST, term, false, round), true);
                    break;
                default:
                    break;
            }
            return false;
        }
        return true;
    }

    /**
     * Whether this node heard from a live leader within the minimum election timeout (thesis §4.2.3), or keeps its
     * promise to the leader it last heard, which the candidate is not.
     */
    private boolean inLease(Peer candidate) {
        return config.checkQuorum() && (null != leader && nowNs - lastLeaderContactNs < config.electionTimeoutMinNs()
            || keepsPromise() && candidate != promisedTo);
    }

    /**
     * Whether this node keeps its promise not to vote, not even for itself, for the minimum election timeout after
     * it last heard from a leader: a leader's lease rests on it. Measured on the {@link #promiseClock}, and kept
     * even where the leader is forgotten (a leader refusing a forwarded command during a transfer clears it).
     */
    private boolean keepsPromise() {
        return config.checkQuorum() && promised
            && (promisePending || promiseClock.nowNs() - promiseStartNs < config.electionTimeoutMinNs());
    }

    /** Starts this node's promise not to vote for another than this leader, from the next reading of the clock. */
    private void promise(Peer leader) {
        promised = true;
        promisePending = true;
        promisedTo = leader;
    }

    // ---------------------------------------------------------------- messages

    @Override
    public void onAppendRequest(Peer from, long messageTerm, long prevIndex, long prevTerm, long commit,
        EntryBatch entries) {
        from.lastReceivedNs = nowNs;
        if (!checkTerm(from, messageTerm, MessageType.APPEND_REQUEST, false, false, 0)) {
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
            final long appended = log.appendFromLeader(entries, commitIndex);
            if (appended >= 0) {
                followConfigurations(entries, appended);
            }
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
        if (!checkResponseTerm(messageTerm) || role != Role.LEADER || from.stranger) {
            return;
        }
        from.recentActive = true;
        final Progress progress = from.progress;
        if (success) {
            // While a snapshot is streamed to this follower, an answer to an earlier AppendEntries vouches only for
            // what the snapshot keeps: a follower that installs it replaces whatever it held, and one whose log
            // already holds the snapshot's last entry says so at the last chunk.
            final long acked = progress.state == Progress.State.SNAPSHOT
                && !bugs.contains(DeliberateBug.INSTALL_OVER_ACKNOWLEDGED_TAIL)
                ? Math.min(index, progress.pendingSnapshot) : index;
            if (progress.maybeUpdate(acked)) {
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
        if (!checkTerm(from, messageTerm, MessageType.HEARTBEAT, false, false, 0)) {
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
        if (!checkResponseTerm(messageTerm) || role != Role.LEADER || from.stranger) {
            return;
        }
        from.recentActive = true;
        if (readRound > from.ackedReadSeq) {
            if (readRound <= readSeq && readSeq - readRound < LEASE_ROUNDS) {
                // The follower promised from when it received the round, which is after the leader sent it.
                from.ackedRoundSentNs = bugs.contains(DeliberateBug.LEASE_FROM_RECEIPT) ? leaseClock.nowNs()
                    : leaseRoundSentNs[(int)(readRound % LEASE_ROUNDS)];
            }
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
        boolean transfer, long round) {
        from.lastReceivedNs = nowNs;
        if (from.stranger && messageTerm > term && !log.isUpToDate(lastIndex, lastTerm)) {
            // A stranger whose log is behind this node's cannot get its vote, and taking up its term would only
            // disrupt: ignored, as if lost. A server removed from the configuration that still campaigns is such a
            // stranger, since it never receives the entry that removes it (thesis §4.2.3).
            return;
        }
        final int type = preVote ? MessageType.PRE_VOTE_REQUEST : MessageType.VOTE_REQUEST;
        if (!checkTerm(from, messageTerm, type, transfer, false, round)) {
            return;
        }
        final boolean canVote = from.address().equals(votedFor)
            || (null == votedFor && null == leader)
            || (preVote && messageTerm > term);
        // Whether this vote counts is for the candidate's configuration to say, not ours (§4.1: servers answer RPCs
        // without consulting their configurations). A learner can miss the entry that promotes it (which may even
        // commit on the old voters alone); if it refused, voters that need its vote would never elect anyone.
        final boolean grant = canVote && log.isUpToDate(lastIndex, lastTerm);
        if (grant && !preVote) {
            votedFor = from.address();
            hardStateDirty = true;
            resetElectionTimer();
        }
        send(from, encoder.voteResponse(outbox.buffer(), outbox.position(), preVote, grant ? messageTerm : term, grant,
            round), true);
        reportChanges();
    }

    @Override
    public void onVoteResponse(Peer from, long messageTerm, boolean preVote, boolean granted, long round) {
        from.lastReceivedNs = nowNs;
        if (messageTerm > term && !(preVote && granted)) {
            becomeFollower(messageTerm, null);
            reportChanges();
            return;
        }
        final boolean counts = preVote
            ? role == Role.PRE_CANDIDATE && (messageTerm == term + 1 || !granted)
            : role == Role.CANDIDATE && messageTerm == term;
        // A (pre-)vote of an earlier round at the same term answered another request: only this round's count.
        if (!counts || round != electionRound || from.answered || from.stranger) {
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
        if (!checkTerm(from, messageTerm, MessageType.TIMEOUT_NOW, false, false, 0)) {
            return;
        }
        // Only the leader this node follows in this very term hands its leadership over: a TimeoutNow from anyone
        // else would make this node campaign past the voters' lease and depose a healthy leader.
        if (role != Role.LEADER && selfVoter && from == leaderPeer && messageTerm == term) {
            // Leadership transfer (thesis §3.10): campaign at once, without pre-vote, past the voters' lease.
            campaign(false, true);
            reportChanges();
        }
    }

    @Override
    public void onClientRequest(Peer from, long messageTerm, CommandBatch commands) {
        from.lastReceivedNs = nowNs;
        if (role != Role.LEADER || null != transfer) {
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
        final Peer hint = leaderLength == 0 ? null : known(buffer, leaderOffset, leaderLength);
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
        if (answers(from, messageTerm, requestId)) {
            listener.onReadIndex(requestId, readIndex, success);
        }
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
        if (answers(from, messageTerm, requestId)) {
            listener.onPeers(requestId, buffer, offset, count);
        }
    }

    @Override
    public void onInstallSnapshot(Peer from, long messageTerm, SnapshotChunk chunk) {
        from.lastReceivedNs = nowNs;
        if (!checkTerm(from, messageTerm, MessageType.INSTALL_SNAPSHOT, false, false, 0) || role == Role.LEADER) {
            return;
        }
        followLeader(from);
        long next = SnapshotTransfer.INSTALLED;
        if (chunk.snapshotIndex() > commitIndex && log.matchTerm(chunk.snapshotIndex(), chunk.snapshotTerm())
            && !bugs.contains(DeliberateBug.INSTALL_OVER_ACKNOWLEDGED_TAIL)) {
            // The log, unstable tail included, already holds the snapshot's last entry (§5.3): the entries after it
            // stay, since this node may have acknowledged them in this very duty cycle, and the acknowledgement
            // leaves only once they are durable. The snapshot is committed state: only the commit index moves.
            snapshots.abandon();
            commitTo(chunk.snapshotIndex());
        } else if (chunk.snapshotIndex() > commitIndex) {
            next = snapshots.accept(chunk);
            if (next == SnapshotTransfer.INSTALLED) {
                // §5.3: the snapshot replaces every entry it covers; the state machine now holds its state.
                log.resetAfterSnapshot();
                onApplied(chunk.snapshotIndex());
                if (chunk.configLength() > 0) {
                    configurations.reset(chunk.snapshotIndex(), Configuration.decode(chunk.buffer(),
                        chunk.configOffset(), chunk.configLength()));
                    if (log.lastIndex() > chunk.snapshotIndex()) {
                        log.forEach(chunk.snapshotIndex() + 1, log.lastIndex(), this::recordConfiguration);
                    }
                    adopt(configurations.latest());
                }
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
        if (!checkResponseTerm(messageTerm) || role != Role.LEADER || from.stranger) {
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

    /** Remembers whom a request goes to and in which term, to accept its answer from that node only. */
    private void ask(long requestId) {
        if (askedPeers.size() >= MAX_ASKS) {
            // Requests never answered (lost, or their sender gave up) must not accumulate; answers to the ones
            // forgotten are dropped and the runtime asks again.
            askedPeers.clear();
            askedTerms.clear();
        }
        askedPeers.put(requestId, leaderPeer);
        askedTerms.put(requestId, term);
    }

    /**
     * @return whether an answer comes from the node its request went to, in that request's term or a later one;
     * the request is then settled. Anything else (an answer for another request with the same id) is dropped.
     */
    private boolean answers(Peer from, long messageTerm, long requestId) {
        if (askedPeers.get(requestId) != from || messageTerm < askedTerms.get(requestId)) {
            return false;
        }
        askedPeers.remove(requestId);
        askedTerms.remove(requestId);
        return true;
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
        if (null != transfer) {
            concludeTransfer(from);
        }
        if (leaderPeer != from) {
            leaderPeer = from;
            leader = from.address();
        }
        lastLeaderContactNs = nowNs;
        promise(from);
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
            if (null != change) {
                finishChange(MembershipStatus.INTERRUPTED, "leadership was lost during " + change
                    + "; the change may or may not complete");
            }
            if (null != transfer && null != newLeader) {
                concludeTransfer(newLeader);
            }
        }
        role = Role.FOLLOWER;
        leaderPeer = newLeader;
        leader = null == newLeader ? null : newLeader.address();
        if (null != newLeader) {
            lastLeaderContactNs = nowNs;
            promise(newLeader);
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
        electionRound++;
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
                    log.lastIndex(), log.lastTerm(), transfer, electionRound), false);
            }
        }
    }

    private void becomeLeader() {
        role = Role.LEADER;
        leaderPeer = null;
        leader = self;
        if (null != transfer && !bugs.contains(DeliberateBug.TRANSFER_OUTLIVES_ITS_TERM)) {
            // A transfer left open when this node stepped down for a vote request, which names no leader: it
            // belonged to the term this node lost, and would make this term refuse proposals until its deadline.
            finishTransfer(MembershipStatus.INTERRUPTED, self + " was elected again in term " + term + " before "
                + transfer.target + " took over");
        }
        lastLeaderContactNs = nowNs;
        committedInTerm = false;
        final long lastIndex = log.lastIndex();
        for (Peer peer : peers) {
            peer.closeSnapshot();
            peer.progress.reset(lastIndex);
            peer.recentActive = true;
            peer.ackedReadSeq = 0;
            peer.ackedRoundSentNs = Long.MIN_VALUE;
            peer.lastProgressNs = nowNs;
        }
        readSeq = 0;
        leaseForfeited = false;
        checkQuorumDeadlineNs = nowNs + config.electionTimeoutMaxNs();
        heartbeatDeadlineNs = nowNs + config.heartbeatIntervalNs();
        // §6.4 / §3.6.2: an entry of the new term commits the earlier ones and lets reads be served.
        log.append(term, LogEntry.TYPE_NOOP, emptyPayload, 0, 0);
    }

    private void resetElectionTimer() {
        electionDeadlineNs = nowNs + random.nextLong(config.electionTimeoutMinNs(), config.electionTimeoutMaxNs());
    }

    /**
     * @return 1 when the election is won, -1 when it is lost, 0 while undecided; in a joint configuration both
     * halves must grant a majority (§4.3).
     */
    private int voteResult() {
        final int incoming = halfVoteResult(false);
        if (!configuration.isJoint()) {
            return incoming;
        }
        final int outgoing = halfVoteResult(true);
        if (incoming < 0 || outgoing < 0) {
            return -1;
        }
        return incoming > 0 && outgoing > 0 ? 1 : 0;
    }

    private int halfVoteResult(boolean outgoing) {
        int voters = 0;
        int granted = 0;
        int rejected = 0;
        if (outgoing ? selfOutgoing : selfIncoming) {
            voters++;
            granted += selfGranted ? 1 : 0;
        }
        for (Peer peer : peers) {
            if (outgoing ? peer.oldVoter : peer.voter) {
                voters++;
                if (peer.answered) {
                    if (peer.granted) {
                        granted++;
                    } else {
                        rejected++;
                    }
                }
            }
        }
        final int quorum = voters / 2 + 1;
        if (granted >= quorum) {
            return 1;
        }
        return rejected > voters - quorum ? -1 : 0;
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
        // In PROBE an empty AppendEntries still finds where an unknown follower's log matches (a new member).
        while (progress.canSend() && (progress.next <= log.lastIndex()
            || (progress.state == Progress.State.PROBE && progress.match < log.lastIndex()))) {
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
            leaseRoundSentNs[(int)(readSeq % LEASE_ROUNDS)] = leaseClock.nowNs();
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

    /** @return the highest index a majority holds; in a joint configuration, a majority of each half. */
    private long quorumMatch() {
        final long incoming = majorityMatch(false);
        return configuration.isJoint() ? Math.min(incoming, majorityMatch(true)) : incoming;
    }

    private long majorityMatch(boolean outgoing) {
        int n = 0;
        if (outgoing ? selfOutgoing : selfIncoming) {
            scratch[n++] = log.persistedIndex();
        }
        for (Peer peer : peers) {
            if (outgoing ? peer.oldVoter : peer.voter) {
                scratch[n++] = peer.progress.match;
            }
        }
        return majorityValue(n);
    }

    /** @return when the newest heartbeat round that a majority acknowledged was sent, or {@code Long.MIN_VALUE}. */
    private long quorumLeaseStart() {
        final long incoming = majorityLeaseStart(false);
        return configuration.isJoint() ? Math.min(incoming, majorityLeaseStart(true)) : incoming;
    }

    private long majorityLeaseStart(boolean outgoing) {
        int n = 0;
        if (outgoing ? selfOutgoing : selfIncoming) {
            scratch[n++] = leaseClock.nowNs();
        }
        for (Peer peer : peers) {
            if (outgoing ? peer.oldVoter : peer.voter) {
                scratch[n++] = peer.ackedRoundSentNs;
            }
        }
        return majorityValue(n);
    }

    private long quorumReadRound() {
        final long incoming = majorityReadRound(false);
        return configuration.isJoint() ? Math.min(incoming, majorityReadRound(true)) : incoming;
    }

    private long majorityReadRound(boolean outgoing) {
        int n = 0;
        if (outgoing ? selfOutgoing : selfIncoming) {
            scratch[n++] = readSeq;
        }
        for (Peer peer : peers) {
            if (outgoing ? peer.oldVoter : peer.voter) {
                scratch[n++] = peer.ackedReadSeq;
            }
        }
        return majorityValue(n);
    }

    /** @return the largest value that a majority of the first {@code n} scratch values reach. */
    private long majorityValue(int n) {
        if (n == 0) {
            return Long.MAX_VALUE;
        }
        Arrays.sort(scratch, 0, n);
        return scratch[(n - 1) / 2];
    }

    private boolean quorumActive() {
        return halfActive(false) && (!configuration.isJoint() || halfActive(true));
    }

    private boolean halfActive(boolean outgoing) {
        int voters = 0;
        int active = 0;
        if (outgoing ? selfOutgoing : selfIncoming) {
            voters++;
            active++;
        }
        for (Peer peer : peers) {
            if (outgoing ? peer.oldVoter : peer.voter) {
                voters++;
                active += peer.recentActive ? 1 : 0;
            }
        }
        return active >= voters / 2 + 1;
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
        if (onlyVoter()) {
            reads.assign(++readSeq);
            releaseReads();
        }
    }

    private boolean onlyVoter() {
        if (!selfIncoming || configuration.isJoint()) {
            return false;
        }
        for (Peer peer : peers) {
            if (peer.voter) {
                return false;
            }
        }
        return true;
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
        final long committedConfiguration = configurations.indexAt(commitIndex);
        if (committedConfiguration != reportedConfigurationIndex) {
            reportedConfigurationIndex = committedConfiguration;
            listener.onConfigurationCommitted(configurations.at(commitIndex));
        }
        if (null != change && change.phase == MembershipChange.Phase.FINAL && change.entryIndex <= commitIndex) {
            finishChange(MembershipStatus.OK, change.target + (change.operation == MembershipChange.Operation.JOIN
                ? " joined" : " left"));
        }
        if (role == Role.LEADER && !selfVoter && configurations.latestIndex() <= commitIndex) {
            // §4.2.2: a leader removed from the configuration steps down once the change is committed.
            becomeFollower(term, null);
        }
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
