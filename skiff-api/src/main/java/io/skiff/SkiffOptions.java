package io.skiff;

import io.skiff.spi.StateMachineProvider;
import io.skiff.spi.StorageProvider;
import io.skiff.spi.TransportProvider;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Immutable node options, built with {@link #builder()} and validated once by {@link Builder#build()}.
 *
 * <p>Names and defaults follow the original Skiff (its option name is given in each accessor's description);
 * times are {@link Duration}s rather than milliseconds. One options object may be shared by every node of a
 * cluster: nothing in it names the node itself.
 */
public final class SkiffOptions {
    /** Default {@link #rpcTimeout()}: 2 s, as the original's {@code rpcTimeoutMS}. */
    public static final Duration DEFAULT_RPC_TIMEOUT = Duration.ofMillis(2000);
    /** Default {@link #appendEntriesInterval()}: 100 ms, as the original's {@code appendEntriesIntervalMS}. */
    public static final Duration DEFAULT_APPEND_ENTRIES_INTERVAL = Duration.ofMillis(100);
    /** Default {@link #electionTimeoutMin()}: 300 ms, as the original's {@code electionTimeoutMinMS}. */
    public static final Duration DEFAULT_ELECTION_TIMEOUT_MIN = Duration.ofMillis(300);
    /** Default {@link #electionTimeoutMax()}: 600 ms, as the original's {@code electionTimeoutMaxMS}. */
    public static final Duration DEFAULT_ELECTION_TIMEOUT_MAX = Duration.ofMillis(600);
    /** Default {@link #installSnapshotChunkSize()}: 10 records per InstallSnapshot message. */
    public static final int DEFAULT_INSTALL_SNAPSHOT_CHUNK_SIZE = 10;
    /** Default {@link #installSnapshotChunkBytes()}: 256 KiB at most per InstallSnapshot message. */
    public static final int DEFAULT_INSTALL_SNAPSHOT_CHUNK_BYTES = 256 * 1024;
    /** Default {@link #batchEntriesLimit()}: 10 log entries per AppendEntries, as the original. */
    public static final int DEFAULT_BATCH_ENTRIES_LIMIT = 10;
    /** Default {@link #maxAppendBytes()}: 64 KiB of entries per AppendEntries. */
    public static final int DEFAULT_MAX_APPEND_BYTES = 64 * 1024;
    /** Default {@link #maxInflightAppends()}: AppendEntries sent to one follower and not yet answered. */
    public static final int DEFAULT_MAX_INFLIGHT_APPENDS = 64;
    /** Default {@link #maxInflightBytes()}: entry bytes sent to one follower and not yet answered. */
    public static final int DEFAULT_MAX_INFLIGHT_BYTES = 4 * 1024 * 1024;
    /** Default {@link #clientRetryRpcTimeout()}: 200 ms, as the original's {@code clientRetryRPCTimeout}. */
    public static final Duration DEFAULT_CLIENT_RETRY_RPC_TIMEOUT = Duration.ofMillis(200);
    /** Default {@link #clientMaxRetries()}: 10, as the original. */
    public static final int DEFAULT_CLIENT_MAX_RETRIES = 10;
    /** Default {@link #waitBeforeLeave()}: 4 s, as the original's {@code waitBeforeLeaveMS}. */
    public static final Duration DEFAULT_WAIT_BEFORE_LEAVE = Duration.ofMillis(4000);
    /** Default {@link #minLogRetention()}: 100 applied entries, as the original. */
    public static final int DEFAULT_MIN_LOG_RETENTION = 100;
    /** Default {@link #membershipTimeout()}: 30 s. */
    public static final Duration DEFAULT_MEMBERSHIP_TIMEOUT = Duration.ofSeconds(30);
    /**
     * Default {@link #snapshotInterval()}: a snapshot every 100,000 applied entries. Each snapshot writes the whole
     * state; at 10,000 entries a profile of 300k writes/s spent a fifth of its time snapshotting.
     */
    public static final int DEFAULT_SNAPSHOT_INTERVAL = 100_000;
    /** Default {@link #maxPendingOperations()}: commands and reads a node accepts before it pushes back. */
    public static final int DEFAULT_MAX_PENDING_OPERATIONS = 65_536;
    /**
     * Default {@link #maxCommandBytes()}: 64 KiB, so that a command fits one frame of the default transports (Aeron
     * with 1 MiB terms carries 128 KiB); larger commands need a transport configured for larger frames.
     */
    public static final int DEFAULT_MAX_COMMAND_BYTES = 64 * 1024;
    /** Default {@link #clusterId()}. */
    public static final String DEFAULT_CLUSTER_ID = "skiff";
    /** Default {@link #storage()}: in memory. */
    public static final String DEFAULT_STORAGE = "memory";
    /** Default {@link #stateMachine()}: the replicated ordered key-value map behind {@link LevelUp}. */
    public static final String DEFAULT_STATE_MACHINE = "kv";
    /** Default {@link #location()}: directory {@code skiff-data} under the working directory. */
    public static final Path DEFAULT_LOCATION = Path.of("skiff-data");

    private final List<NodeAddress> peers;
    private final boolean join;
    private final String storage;
    private final StorageProvider storageProvider;
    private final Path location;
    private final TransportProvider network;
    private final String stateMachine;
    private final StateMachineProvider stateMachineProvider;
    private final String clusterId;
    private final Duration rpcTimeout;
    private final Duration appendEntriesInterval;
    private final Duration electionTimeoutMin;
    private final Duration electionTimeoutMax;
    private final int installSnapshotChunkSize;
    private final int installSnapshotChunkBytes;
    private final int batchEntriesLimit;
    private final int maxAppendBytes;
    private final int maxInflightAppends;
    private final int maxInflightBytes;
    private final Duration clientRetryRpcTimeout;
    private final int clientMaxRetries;
    private final Duration waitBeforeLeave;
    private final Duration membershipTimeout;
    private final int minLogRetention;
    private final int snapshotInterval;
    private final int maxPendingOperations;
    private final int maxCommandBytes;
    private final boolean preVote;
    private final boolean checkQuorum;
    /** {@code null}: the default, which follows the election timeout. */
    private final Duration leaseClockDrift;
    private final Long seed;
    private final List<byte[]> authenticationKeys;
    private final Map<Class<?>, Object> providerOptions;

    private SkiffOptions(Builder b) {
        peers = List.copyOf(new LinkedHashSet<>(b.peers));
        join = b.join;
        storage = b.storage;
        storageProvider = b.storageProvider;
        location = b.location;
        network = b.network;
        stateMachine = b.stateMachine;
        stateMachineProvider = b.stateMachineProvider;
        clusterId = b.clusterId;
        rpcTimeout = b.rpcTimeout;
        appendEntriesInterval = b.appendEntriesInterval;
        electionTimeoutMin = b.electionTimeoutMin;
        electionTimeoutMax = b.electionTimeoutMax;
        installSnapshotChunkSize = b.installSnapshotChunkSize;
        installSnapshotChunkBytes = b.installSnapshotChunkBytes;
        batchEntriesLimit = b.batchEntriesLimit;
        maxAppendBytes = b.maxAppendBytes;
        maxInflightAppends = b.maxInflightAppends;
        maxInflightBytes = b.maxInflightBytes;
        clientRetryRpcTimeout = b.clientRetryRpcTimeout;
        clientMaxRetries = b.clientMaxRetries;
        waitBeforeLeave = b.waitBeforeLeave;
        membershipTimeout = b.membershipTimeout;
        minLogRetention = b.minLogRetention;
        snapshotInterval = b.snapshotInterval;
        maxPendingOperations = b.maxPendingOperations;
        maxCommandBytes = b.maxCommandBytes;
        preVote = b.preVote;
        checkQuorum = b.checkQuorum;
        leaseClockDrift = b.leaseClockDrift;
        seed = b.seed;
        authenticationKeys = copyKeys(b.authenticationKeys);
        providerOptions = Collections.unmodifiableMap(new LinkedHashMap<>(b.providerOptions));
    }

    private static List<byte[]> copyKeys(List<byte[]> keys) {
        final List<byte[]> copies = new ArrayList<>();
        for (byte[] key : keys) {
            copies.add(key.clone());
        }
        return Collections.unmodifiableList(copies);
    }

    /** @return a builder holding every default. */
    public static Builder builder() {
        return new Builder();
    }

    /** @return options with every default and no peers (a single-node cluster). */
    public static SkiffOptions defaults() {
        return builder().build();
    }

    /** @return a builder initialised with these options, to derive variants. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * The other members of the cluster (original: {@code peers}). Once a node has persisted state, the persisted
     * configuration wins over this option.
     *
     * @return the peers, without duplicates, in the order given.
     */
    public List<NodeAddress> peers() {
        return peers;
    }

    /**
     * Whether a node with empty storage starts by joining a running cluster rather than founding one. A founder
     * counts itself among the voters with its {@link #peers()} from the start; a joining node takes its peers for
     * the current members and itself for none: it never campaigns nor counts its own vote until a configuration
     * entry of the cluster's log names it a voter (after {@code join} is called on a member). Starting a new node
     * as a founder next to a running cluster would let it campaign as a voter of a configuration nobody else has,
     * and two such nodes can win one term on both sides of a partition. Ignored once the node has persisted state.
     *
     * @return whether the node joins.
     */
    public boolean join() {
        return join;
    }

    /** @return the storage provider's name (original: {@code db}), e.g. {@code memory} or {@code xodus}. */
    public String storage() {
        return storage;
    }

    /** @return the storage provider instance to use instead of looking one up by {@link #storage()}. */
    public Optional<StorageProvider> storageProvider() {
        return Optional.ofNullable(storageProvider);
    }

    /** @return base directory of on-disk storage (original: {@code location}); each node uses a sub-directory. */
    public Path location() {
        return location;
    }

    /**
     * The network shared by several nodes of one process (original: {@code network}, from
     * {@code Skiff.createNetwork()}); without it the transport is looked up by the address's protocol.
     *
     * @return the transport provider instance, if one was given.
     */
    public Optional<TransportProvider> network() {
        return Optional.ofNullable(network);
    }

    /** @return the state machine provider's name; {@code kv} is the key-value map behind {@link LevelUp}. */
    public String stateMachine() {
        return stateMachine;
    }

    /** @return the state machine provider instance to use instead of looking one up by name. */
    public Optional<StateMachineProvider> stateMachineProvider() {
        return Optional.ofNullable(stateMachineProvider);
    }

    /**
     * The cluster's identity: frames and persisted state of another cluster id are refused.
     *
     * @return the cluster id.
     */
    public String clusterId() {
        return clusterId;
    }

    /** @return how long one RPC to a peer may take (original: {@code rpcTimeoutMS}). */
    public Duration rpcTimeout() {
        return rpcTimeout;
    }

    /** @return the leader's heartbeat and AppendEntries interval (original: {@code appendEntriesIntervalMS}). */
    public Duration appendEntriesInterval() {
        return appendEntriesInterval;
    }

    /** @return lower bound of the randomized election timeout (original: {@code electionTimeoutMinMS}). */
    public Duration electionTimeoutMin() {
        return electionTimeoutMin;
    }

    /** @return upper bound of the randomized election timeout (original: {@code electionTimeoutMaxMS}). */
    public Duration electionTimeoutMax() {
        return electionTimeoutMax;
    }

    /** @return records per InstallSnapshot message (original: {@code installSnapshotChunkSize}). */
    public int installSnapshotChunkSize() {
        return installSnapshotChunkSize;
    }

    /** @return byte cap of one InstallSnapshot message, whatever its record count. */
    public int installSnapshotChunkBytes() {
        return installSnapshotChunkBytes;
    }

    /** @return log entries per AppendEntries at most (original: {@code batchEntriesLimit}). */
    public int batchEntriesLimit() {
        return batchEntriesLimit;
    }

    /** @return entry bytes per AppendEntries at most; a single larger entry still goes alone. */
    public int maxAppendBytes() {
        return maxAppendBytes;
    }

    /**
     * AppendEntries sent to one follower and not yet answered. With the round-trip time R and a send interval I
     * between batches, a window below R / I leaves the link idle; a larger one only costs memory.
     *
     * @return the in-flight window in messages.
     */
    public int maxInflightAppends() {
        return maxInflightAppends;
    }

    /** @return entry bytes in flight to one follower at most, so that a slow follower cannot grow memory. */
    public int maxInflightBytes() {
        return maxInflightBytes;
    }

    /** @return wait before a command is retried at the leader (original: {@code clientRetryRPCTimeout}). */
    public Duration clientRetryRpcTimeout() {
        return clientRetryRpcTimeout;
    }

    /** @return retries before a command fails (original: {@code clientMaxRetries}). */
    public int clientMaxRetries() {
        return clientMaxRetries;
    }

    /** @return grace period before a removed peer is disconnected (original: {@code waitBeforeLeaveMS}). */
    public Duration waitBeforeLeave() {
        return waitBeforeLeave;
    }

    /**
     * How long {@code join}, {@code leave} and {@code transferLeadership} may take before they fail; a join includes
     * the new member catching up as a learner.
     *
     * @return the timeout.
     */
    public Duration membershipTimeout() {
        return membershipTimeout;
    }

    /** @return applied entries kept in the log before older ones are compacted (original: {@code minLogRetention}). */
    public int minLogRetention() {
        return minLogRetention;
    }

    /**
     * Applied entries between two snapshots of the state machine. A snapshot lets the log before it be compacted
     * (keeping {@link #minLogRetention()} entries) and lets a follower that fell behind catch up from it; a larger
     * interval snapshots less often but keeps a longer log and a longer replay on restart.
     *
     * @return the interval in entries.
     */
    public int snapshotInterval() {
        return snapshotInterval;
    }

    /** @return commands and reads pending on one node before new ones are refused with back pressure. */
    public int maxPendingOperations() {
        return maxPendingOperations;
    }

    /** @return the largest command or query accepted, in bytes. */
    public int maxCommandBytes() {
        return maxCommandBytes;
    }

    /** @return whether a node asks for pre-votes before it starts an election (thesis §9.6). */
    public boolean preVote() {
        return preVote;
    }

    /** @return whether a leader steps down when it has not heard from a majority for an election timeout. */
    public boolean checkQuorum() {
        return checkQuorum;
    }

    /**
     * How much shorter than {@link #electionTimeoutMin()} a leader's lease is, for
     * {@link ReadConsistency#LEASE} reads. A follower that acknowledged a heartbeat refuses to vote for anyone else
     * (and does not campaign) for {@code electionTimeoutMin} after it received it; the leader counts its lease from
     * when it sent the heartbeat round a majority acknowledged, for {@code electionTimeoutMin - leaseClockDrift}.
     * The allowance must cover how much the nodes' monotonic clocks may disagree on the length of that interval
     * (their rates differ; a step of a follower's clock counts for at most half the allowance). Clocks that drift
     * more than this void the guarantee of lease reads, never that of linearizable ones. Default: a tenth of
     * {@code electionTimeoutMin}.
     *
     * @return the clock-drift allowance.
     */
    public Duration leaseClockDrift() {
        return null == leaseClockDrift ? electionTimeoutMin.dividedBy(10) : leaseClockDrift;
    }

    /**
     * Shared secrets that authenticate every frame (HMAC-SHA256): the first key signs, every key verifies.
     * Empty (the default) sends frames without a MAC and accepts any frame of the cluster id.
     *
     * @return copies of the keys, the signing key first.
     */
    public List<byte[]> authenticationKeys() {
        return copyKeys(authenticationKeys);
    }

    /** @return the seed of the election-timeout randomness, when fixed for reproducible runs. */
    public OptionalLong seed() {
        return null == seed ? OptionalLong.empty() : OptionalLong.of(seed);
    }

    /**
     * Options of a particular provider (a transport's or a storage's), registered with
     * {@link Builder#providerOptions(Object)}.
     *
     * @param type the options class the provider defines.
     * @param <T>  the options type.
     * @return the registered instance, if any.
     */
    public <T> Optional<T> providerOptions(Class<T> type) {
        return Optional.ofNullable(type.cast(providerOptions.get(type)));
    }

    @Override
    public String toString() {
        return "SkiffOptions{peers=" + peers + ", join=" + join + ", storage="
            + (null != storageProvider ? storageProvider.name() : storage)
            + ", location=" + location + ", clusterId=" + clusterId + ", rpcTimeout=" + rpcTimeout
            + ", appendEntriesInterval=" + appendEntriesInterval + ", electionTimeout=[" + electionTimeoutMin + ", "
            + electionTimeoutMax + "], batchEntriesLimit=" + batchEntriesLimit + ", maxAppendBytes=" + maxAppendBytes
            + ", maxInflightAppends=" + maxInflightAppends + ", maxInflightBytes=" + maxInflightBytes
            + ", clientRetryRpcTimeout=" + clientRetryRpcTimeout + ", clientMaxRetries=" + clientMaxRetries
            + ", waitBeforeLeave=" + waitBeforeLeave + ", minLogRetention=" + minLogRetention
            + ", snapshotInterval=" + snapshotInterval
            + ", installSnapshotChunkSize=" + installSnapshotChunkSize + ", preVote=" + preVote
            + ", checkQuorum=" + checkQuorum + ", leaseClockDrift=" + leaseClockDrift() + "}";
    }

    /** Mutable builder of {@link SkiffOptions}; every setter validates its own argument, {@link #build()} the rest. */
    public static final class Builder {
        private final List<NodeAddress> peers = new ArrayList<>();
        private boolean join;
        private String storage = DEFAULT_STORAGE;
        private StorageProvider storageProvider;
        private Path location = DEFAULT_LOCATION;
        private TransportProvider network;
        private String stateMachine = DEFAULT_STATE_MACHINE;
        private StateMachineProvider stateMachineProvider;
        private String clusterId = DEFAULT_CLUSTER_ID;
        private Duration rpcTimeout = DEFAULT_RPC_TIMEOUT;
        private Duration appendEntriesInterval = DEFAULT_APPEND_ENTRIES_INTERVAL;
        private Duration electionTimeoutMin = DEFAULT_ELECTION_TIMEOUT_MIN;
        private Duration electionTimeoutMax = DEFAULT_ELECTION_TIMEOUT_MAX;
        private int installSnapshotChunkSize = DEFAULT_INSTALL_SNAPSHOT_CHUNK_SIZE;
        private int installSnapshotChunkBytes = DEFAULT_INSTALL_SNAPSHOT_CHUNK_BYTES;
        private int batchEntriesLimit = DEFAULT_BATCH_ENTRIES_LIMIT;
        private int maxAppendBytes = DEFAULT_MAX_APPEND_BYTES;
        private int maxInflightAppends = DEFAULT_MAX_INFLIGHT_APPENDS;
        private int maxInflightBytes = DEFAULT_MAX_INFLIGHT_BYTES;
        private Duration clientRetryRpcTimeout = DEFAULT_CLIENT_RETRY_RPC_TIMEOUT;
        private int clientMaxRetries = DEFAULT_CLIENT_MAX_RETRIES;
        private Duration waitBeforeLeave = DEFAULT_WAIT_BEFORE_LEAVE;
        private Duration membershipTimeout = DEFAULT_MEMBERSHIP_TIMEOUT;
        private int minLogRetention = DEFAULT_MIN_LOG_RETENTION;
        private int snapshotInterval = DEFAULT_SNAPSHOT_INTERVAL;
        private int maxPendingOperations = DEFAULT_MAX_PENDING_OPERATIONS;
        private int maxCommandBytes = DEFAULT_MAX_COMMAND_BYTES;
        private boolean preVote = true;
        private boolean checkQuorum = true;
        /** {@code null}: a tenth of the election timeout, whatever it is set to. */
        private Duration leaseClockDrift;
        private Long seed;
        private List<byte[]> authenticationKeys = List.of();
        private final Map<Class<?>, Object> providerOptions = new LinkedHashMap<>();

        private Builder() {
        }

        private Builder(SkiffOptions o) {
            peers.addAll(o.peers);
            join = o.join;
            storage = o.storage;
            storageProvider = o.storageProvider;
            location = o.location;
            network = o.network;
            stateMachine = o.stateMachine;
            stateMachineProvider = o.stateMachineProvider;
            clusterId = o.clusterId;
            rpcTimeout = o.rpcTimeout;
            appendEntriesInterval = o.appendEntriesInterval;
            electionTimeoutMin = o.electionTimeoutMin;
            electionTimeoutMax = o.electionTimeoutMax;
            installSnapshotChunkSize = o.installSnapshotChunkSize;
            installSnapshotChunkBytes = o.installSnapshotChunkBytes;
            batchEntriesLimit = o.batchEntriesLimit;
            maxAppendBytes = o.maxAppendBytes;
            maxInflightAppends = o.maxInflightAppends;
            maxInflightBytes = o.maxInflightBytes;
            clientRetryRpcTimeout = o.clientRetryRpcTimeout;
            clientMaxRetries = o.clientMaxRetries;
            waitBeforeLeave = o.waitBeforeLeave;
            membershipTimeout = o.membershipTimeout;
            minLogRetention = o.minLogRetention;
            snapshotInterval = o.snapshotInterval;
            maxPendingOperations = o.maxPendingOperations;
            maxCommandBytes = o.maxCommandBytes;
            preVote = o.preVote;
            checkQuorum = o.checkQuorum;
            leaseClockDrift = o.leaseClockDrift;
            seed = o.seed;
            authenticationKeys = o.authenticationKeys;
            providerOptions.putAll(o.providerOptions);
        }

        /**
         * Sets the other members, replacing any set before.
         *
         * @param addresses addresses in any accepted form, see {@link NodeAddress}.
         * @return this builder.
         * @throws InvalidAddressException for a malformed address.
         */
        public Builder peers(String... addresses) {
            final List<NodeAddress> parsed = new ArrayList<>();
            for (String address : addresses) {
                parsed.add(NodeAddress.parse(address));
            }
            return peers(parsed);
        }

        /**
         * Sets the other members, replacing any set before.
         *
         * @param addresses the peers.
         * @return this builder.
         */
        public Builder peers(List<NodeAddress> addresses) {
            peers.clear();
            for (NodeAddress address : addresses) {
                peers.add(Objects.requireNonNull(address, "peers must not contain null"));
            }
            return this;
        }

        /**
         * Starts a node with empty storage as one joining a running cluster, whose current members are the
         * {@link #peers}: it takes no part in elections until the cluster makes it a voter. See
         * {@link SkiffOptions#join()}.
         *
         * @param joining {@code true} to join, {@code false} (the default) to found a cluster with the peers.
         * @return this builder.
         */
        public Builder join(boolean joining) {
            join = joining;
            return this;
        }

        /**
         * Selects storage by provider name, e.g. {@code memory} (default) or {@code xodus}.
         *
         * @param name the provider name.
         * @return this builder.
         */
        public Builder storage(String name) {
            storage = requireName(name, "storage");
            storageProvider = null;
            return this;
        }

        /**
         * Uses this storage provider instance instead of a lookup by name.
         *
         * @param provider the provider.
         * @return this builder.
         */
        public Builder storage(StorageProvider provider) {
            storageProvider = Objects.requireNonNull(provider, "storage provider");
            storage = provider.name();
            return this;
        }

        /**
         * Sets the base directory of on-disk storage.
         *
         * @param directory the directory; created when missing.
         * @return this builder.
         */
        public Builder location(Path directory) {
            location = Objects.requireNonNull(directory, "location");
            return this;
        }

        /**
         * Shares a network among the nodes of one process, like the original's {@code createNetwork()}.
         *
         * @param provider the transport provider every node given these options uses.
         * @return this builder.
         */
        public Builder network(TransportProvider provider) {
            network = Objects.requireNonNull(provider, "network");
            return this;
        }

        /**
         * Selects the state machine by provider name.
         *
         * @param name the provider name ({@code kv} by default).
         * @return this builder.
         */
        public Builder stateMachine(String name) {
            stateMachine = requireName(name, "stateMachine");
            stateMachineProvider = null;
            return this;
        }

        /**
         * Uses this state machine provider instead of a lookup by name.
         *
         * @param provider the provider.
         * @return this builder.
         */
        public Builder stateMachine(StateMachineProvider provider) {
            stateMachineProvider = Objects.requireNonNull(provider, "state machine provider");
            stateMachine = provider.name();
            return this;
        }

        /**
         * Sets the cluster id; frames and persisted state of other clusters are refused.
         *
         * @param id 1 to 64 printable ASCII characters.
         * @return this builder.
         */
        public Builder clusterId(String id) {
            if (null == id || id.isEmpty() || id.length() > 64 || !id.chars().allMatch(c -> c > 32 && c < 127)) {
                throw new InvalidOptionsException(
                    "clusterId '" + id + "' is invalid: expected 1 to 64 printable ASCII characters without spaces");
            }
            clusterId = id;
            return this;
        }

        public Builder rpcTimeout(Duration value) {
            rpcTimeout = positive(value, "rpcTimeout");
            return this;
        }

        public Builder appendEntriesInterval(Duration value) {
            appendEntriesInterval = positive(value, "appendEntriesInterval");
            return this;
        }

        public Builder electionTimeoutMin(Duration value) {
            electionTimeoutMin = positive(value, "electionTimeoutMin");
            return this;
        }

        public Builder electionTimeoutMax(Duration value) {
            electionTimeoutMax = positive(value, "electionTimeoutMax");
            return this;
        }

        public Builder installSnapshotChunkSize(int records) {
            installSnapshotChunkSize = atLeast(records, 1, "installSnapshotChunkSize");
            return this;
        }

        public Builder installSnapshotChunkBytes(int bytes) {
            installSnapshotChunkBytes = atLeast(bytes, 1024, "installSnapshotChunkBytes");
            return this;
        }

        public Builder batchEntriesLimit(int entries) {
            batchEntriesLimit = atLeast(entries, 1, "batchEntriesLimit");
            return this;
        }

        public Builder maxAppendBytes(int bytes) {
            maxAppendBytes = atLeast(bytes, 1024, "maxAppendBytes");
            return this;
        }

        public Builder maxInflightAppends(int messages) {
            maxInflightAppends = atLeast(messages, 1, "maxInflightAppends");
            return this;
        }

        public Builder maxInflightBytes(int bytes) {
            maxInflightBytes = atLeast(bytes, 1024, "maxInflightBytes");
            return this;
        }

        public Builder clientRetryRpcTimeout(Duration value) {
            clientRetryRpcTimeout = positive(value, "clientRetryRpcTimeout");
            return this;
        }

        public Builder clientMaxRetries(int retries) {
            clientMaxRetries = atLeast(retries, 0, "clientMaxRetries");
            return this;
        }

        public Builder waitBeforeLeave(Duration value) {
            waitBeforeLeave = nonNegative(value, "waitBeforeLeave");
            return this;
        }

        public Builder membershipTimeout(Duration value) {
            membershipTimeout = positive(value, "membershipTimeout");
            return this;
        }

        public Builder minLogRetention(int entries) {
            minLogRetention = atLeast(entries, 1, "minLogRetention");
            return this;
        }

        public Builder snapshotInterval(int entries) {
            snapshotInterval = atLeast(entries, 1, "snapshotInterval");
            return this;
        }

        public Builder maxPendingOperations(int operations) {
            maxPendingOperations = atLeast(operations, 1, "maxPendingOperations");
            return this;
        }

        public Builder maxCommandBytes(int bytes) {
            maxCommandBytes = atLeast(bytes, 64, "maxCommandBytes");
            return this;
        }

        public Builder preVote(boolean enabled) {
            preVote = enabled;
            return this;
        }

        public Builder checkQuorum(boolean enabled) {
            checkQuorum = enabled;
            return this;
        }

        /**
         * @param value the clock-drift allowance of lease reads, see {@link SkiffOptions#leaseClockDrift()}.
         * @return this builder.
         */
        public Builder leaseClockDrift(Duration value) {
            leaseClockDrift = positive(value, "leaseClockDrift");
            return this;
        }

        /**
         * Fixes the seed of the election-timeout randomness (each node mixes in its own address), for
         * reproducible runs. Without a seed each node draws one from a secure source.
         *
         * @param value the seed.
         * @return this builder.
         */
        public Builder seed(long value) {
            seed = value;
            return this;
        }

        /**
         * Authenticates every frame with shared secrets. To rotate without downtime, restart the nodes one by one
         * three times: with {@code (oldKey, newKey)} (every node accepts the new key), then {@code (newKey, oldKey)}
         * (every node signs with it), then {@code (newKey)} alone. Signing with a key before every node accepts it
         * would cut the restarted nodes off from the others.
         *
         * @param keys at least 16 bytes each; the first signs, all verify; none to turn authentication off.
         * @return this builder.
         */
        public Builder authenticationKeys(byte[]... keys) {
            final List<byte[]> checked = new ArrayList<>();
            for (int i = 0; i < keys.length; i++) {
                if (null == keys[i] || keys[i].length < 16) {
                    throw new InvalidOptionsException("authentication key " + (i + 1) + " must be at least 16 bytes, "
                        + "got " + (null == keys[i] ? "null" : keys[i].length + " bytes"));
                }
                checked.add(keys[i].clone());
            }
            authenticationKeys = checked;
            return this;
        }

        /**
         * Registers options that a particular provider reads, keyed by their class.
         *
         * @param options the provider's options object, e.g. a transport's.
         * @return this builder.
         */
        public Builder providerOptions(Object options) {
            providerOptions.put(Objects.requireNonNull(options, "providerOptions").getClass(), options);
            return this;
        }

        /**
         * Validates the combination and builds the options.
         *
         * @return the options.
         * @throws InvalidOptionsException naming the options at fault and their values.
         */
        public SkiffOptions build() {
            if (join && peers.isEmpty()) {
                throw new InvalidOptionsException("join needs peers: the current members of the cluster to join, at"
                    + " least one; got none");
            }
            if (electionTimeoutMin.compareTo(electionTimeoutMax) >= 0) {
                throw new InvalidOptionsException("electionTimeoutMin (" + electionTimeoutMin.toMillis()
                    + " ms) must be less than electionTimeoutMax (" + electionTimeoutMax.toMillis() + " ms)");
            }
            if (appendEntriesInterval.compareTo(electionTimeoutMin) >= 0) {
                throw new InvalidOptionsException("appendEntriesInterval (" + appendEntriesInterval.toMillis()
                    + " ms) must be less than electionTimeoutMin (" + electionTimeoutMin.toMillis()
                    + " ms), or followers time out between heartbeats");
            }
            if (null != leaseClockDrift
                && leaseClockDrift.compareTo(electionTimeoutMin.minus(appendEntriesInterval)) >= 0) {
                throw new InvalidOptionsException("leaseClockDrift (" + leaseClockDrift.toMillis()
                    + " ms) must be less than electionTimeoutMin - appendEntriesInterval ("
                    + electionTimeoutMin.minus(appendEntriesInterval).toMillis() + " ms): a lease lasts "
                    + "electionTimeoutMin - leaseClockDrift from a heartbeat, and must outlast the interval to the next");
            }
            if (maxInflightBytes < maxAppendBytes) {
                throw new InvalidOptionsException("maxInflightBytes (" + maxInflightBytes
                    + ") must be at least maxAppendBytes (" + maxAppendBytes + ")");
            }
            return new SkiffOptions(this);
        }

        private static String requireName(String name, String option) {
            if (null == name || name.isBlank()) {
                throw new InvalidOptionsException(option + " must name a provider, got '" + name + "'");
            }
            return name;
        }

        private static Duration positive(Duration value, String option) {
            if (null == value || value.isNegative() || value.isZero()) {
                throw new InvalidOptionsException(option + " must be a positive duration, got " + value);
            }
            return value;
        }

        private static Duration nonNegative(Duration value, String option) {
            if (null == value || value.isNegative()) {
                throw new InvalidOptionsException(option + " must be zero or a positive duration, got " + value);
            }
            return value;
        }

        private static int atLeast(int value, int min, String option) {
            if (value < min) {
                throw new InvalidOptionsException(option + " must be at least " + min + ", got " + value);
            }
            return value;
        }
    }
}
