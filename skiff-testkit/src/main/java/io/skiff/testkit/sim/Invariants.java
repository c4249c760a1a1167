package io.skiff.testkit.sim;

import io.skiff.NodeAddress;
import io.skiff.core.codec.LogEntry;
import io.skiff.core.raft.Configuration;
import io.skiff.core.raft.RaftCore;
import io.skiff.core.raft.Role;
import io.skiff.core.runtime.NodeAgent;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.LongArrayList;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The Raft safety properties (dissertation Figure 3.2) and their operational companions, checked after every
 * simulated step from what nodes persist, commit and apply:
 * <ul>
 *   <li>election safety: at most one leader per term, and each node votes at most once per term, across
 *   restarts;</li>
 *   <li>only a voter of the leader's own configuration becomes leader: the configuration its log establishes (its
 *   latest configuration entry, else its snapshot's, else the one the cluster was founded with), or, while that
 *   entry is uncommitted, the one before it (thesis §4.2.2) — never a configuration the node made up, such as a
 *   joining node counting itself among the members it was given;</li>
 *   <li>leader append-only: a leader never truncates its log;</li>
 *   <li>log matching: entries with the same index and term have the same content and the same predecessor;</li>
 *   <li>leader completeness: a new leader holds every entry committed before it;</li>
 *   <li>state machine safety: no two nodes apply different commands at one index;</li>
 *   <li>a committed entry never changes or disappears; a node's commit index never decreases; applied never
 *   exceeds committed.</li>
 * </ul>
 * A violation throws {@link InvariantViolation} at once, naming the property, the nodes and the indexes.
 */
public final class Invariants {
    /** An entry as first seen at an (index, term): its checksum and its predecessor's term. */
    private record Entry(int checksum, long previousTerm) {
    }

    /** What the checker knows of one machine's current incarnation. */
    private static final class Mirror {
        long firstIndex = 1;
        final LongArrayList terms = new LongArrayList();
        final LongArrayList checksums = new LongArrayList();
        long commit;
        long applied;
        long ledTerm = -1;
        /** Entries up to here are covered by a committed snapshot and may leave the log. */
        long snapshotIndex;

        long lastIndex() {
            return firstIndex + terms.size() - 1;
        }

        long term(long index) {
            return index >= firstIndex && index <= lastIndex() ? terms.getLong((int)(index - firstIndex)) : -1;
        }

        int checksum(long index) {
            return (int)checksums.getLong((int)(index - firstIndex));
        }

        void compactUpTo(long index) {
            final int drop = (int)Math.min(terms.size(), Math.max(0, index - firstIndex + 1));
            for (int i = 0; i < drop; i++) {
                terms.removeAt(0);
                checksums.removeAt(0);
            }
            firstIndex = index + 1;
        }

        void truncateAfter(long index) {
            final int keep = (int)Math.max(0, index - firstIndex + 1);
            while (terms.size() > keep) {
                terms.removeAt(terms.size() - 1);
                checksums.removeAt(checksums.size() - 1);
            }
        }
    }

    /** The configuration the cluster was founded with: what a node's log builds on when it holds no other. */
    private final Configuration founding;
    private final Map<NodeAddress, Mirror> mirrors = new HashMap<>();
    private final Long2ObjectHashMap<Map<Long, Entry>> entries = new Long2ObjectHashMap<>();
    private final Long2LongHashMap committedTerms = new Long2LongHashMap(-1);
    private final Long2LongHashMap committedChecksums = new Long2LongHashMap(-1);
    /** The term in which each index was first seen committed: leaders of later terms must hold it. */
    private final Long2LongHashMap commitTerms = new Long2LongHashMap(-1);
    private final Long2ObjectHashMap<NodeAddress> leaders = new Long2ObjectHashMap<>();
    private final Long2LongHashMap appliedCommands = new Long2LongHashMap(Long.MIN_VALUE);
    /** Per machine: the vote it persisted in each term. */
    private final Map<NodeAddress, Long2ObjectHashMap<NodeAddress>> votes = new HashMap<>();
    private final CRC32C crc = new CRC32C();
    private long highestCommitted;
    private long checks;

    Invariants(List<NodeAddress> founders) {
        founding = Configuration.of(founders);
    }

    /** @return how many property checks ran. */
    public long checks() {
        return checks;
    }

    /** @return the highest index known to be committed. */
    public long highestCommitted() {
        return highestCommitted;
    }

    void onStart(SimNode machine) {
        final Mirror mirror = new Mirror();
        mirrors.put(machine.address(), mirror);
        final var log = machine.storage().log();
        mirror.firstIndex = log.firstIndex();
        mirror.snapshotIndex = machine.storage().snapshots().latest().map(m -> m.index()).orElse(0L);
        mirror.applied = mirror.snapshotIndex;
        if (log.lastIndex() >= log.firstIndex()) {
            log.read(log.firstIndex(), log.lastIndex(), Integer.MAX_VALUE, (index, term, entry) -> {
                mirror.terms.addLong(term);
                mirror.checksums.addLong(LogEntry.storedChecksum(view(entry), 0));
            });
        }
    }

    void onAppend(SimNode machine, long index, long term, ByteBuffer entry) {
        checks++;
        final Mirror mirror = mirrors.computeIfAbsent(machine.address(), a -> new Mirror());
        final int checksum = LogEntry.storedChecksum(view(entry), 0);
        final long previousTerm = index - 1 < mirror.firstIndex ? machine.storage().log().term(index - 1)
            : mirror.term(index - 1);
        final Map<Long, Entry> atIndex = entries.computeIfAbsent(index, i -> new HashMap<>());
        final Entry known = atIndex.get(term);
        if (null == known) {
            atIndex.put(term, new Entry(checksum, previousTerm));
        } else if (known.checksum() != checksum || known.previousTerm() != previousTerm) {
            throw new InvariantViolation("log matching", machine.address() + " holds an entry at index " + index
                + " term " + term + " with checksum " + checksum + " after term " + previousTerm
                + ", but another node holds checksum " + known.checksum() + " after term " + known.previousTerm());
        }
        if (index != mirror.lastIndex() + 1) {
            throw new InvariantViolation("log continuity", machine.address() + " appended index " + index
                + " after its last index " + mirror.lastIndex());
        }
        mirror.terms.addLong(term);
        mirror.checksums.addLong(checksum);
    }

    void onTruncate(SimNode machine, long afterIndex) {
        checks++;
        final Mirror mirror = mirrors.get(machine.address());
        final NodeAgent agent = machine.agent();
        if (null != agent && agent.core().role() == Role.LEADER && afterIndex < mirror.lastIndex()) {
            throw new InvariantViolation("leader append-only", "leader " + machine.address() + " of term "
                + agent.core().term() + " removed entries after index " + afterIndex);
        }
        for (long i = Math.max(Math.max(afterIndex, mirror.snapshotIndex) + 1, mirror.firstIndex);
            i <= mirror.lastIndex(); i++) {
            final long committedTerm = committedTerms.get(i);
            if (committedTerm != -1 && committedTerm == mirror.term(i)
                && committedChecksums.get(i) == mirror.checksum(i)) {
                throw new InvariantViolation("committed entries are permanent", machine.address()
                    + " removed entry " + i + ", committed in term " + committedTerm);
            }
        }
        mirror.truncateAfter(afterIndex);
    }

    void onVote(SimNode machine, long term, NodeAddress votedFor) {
        checks++;
        final Long2ObjectHashMap<NodeAddress> byTerm = votes.computeIfAbsent(machine.address(),
            a -> new Long2ObjectHashMap<>());
        final NodeAddress earlier = byTerm.get(term);
        if (null != earlier && !earlier.equals(votedFor)) {
            throw new InvariantViolation("one vote per term", machine.address() + " voted for " + earlier
                + " in term " + term + " and now records " + votedFor);
        }
        if (null != votedFor) {
            byTerm.put(term, votedFor);
        }
    }

    void onSnapshot(SimNode machine, long index) {
        checks++;
        final Mirror mirror = mirrors.get(machine.address());
        mirror.snapshotIndex = Math.max(mirror.snapshotIndex, index);
        // A received snapshot replaces the state machine: applies continue after it.
        mirror.applied = Math.max(mirror.applied, index);
    }

    void onCompact(SimNode machine, long index) {
        checks++;
        final Mirror mirror = mirrors.get(machine.address());
        if (index > mirror.snapshotIndex) {
            throw new InvariantViolation("compaction only behind a snapshot", machine.address() + " compacted its"
                + " log up to " + index + " but its latest snapshot covers only " + mirror.snapshotIndex);
        }
        mirror.compactUpTo(index);
    }

    void onApply(SimNode machine, long index, ByteBuffer command) {
        checks++;
        final Mirror mirror = mirrors.get(machine.address());
        if (index <= mirror.applied) {
            throw new InvariantViolation("in-order apply", machine.address() + " applied index " + index
                + " after " + mirror.applied);
        }
        mirror.applied = index;
        crc.reset();
        crc.update(command.duplicate());
        final long hash = crc.getValue() ^ ((long)command.remaining() << 32);
        final long known = appliedCommands.get(index);
        if (known == Long.MIN_VALUE) {
            appliedCommands.put(index, hash);
        } else if (known != hash) {
            throw new InvariantViolation("state machine safety", machine.address() + " applied a different command"
                + " at index " + index + " than another node did");
        }
    }

    void afterStep(SimNode machine) {
        checks++;
        final NodeAgent agent = machine.agent();
        if (null == agent) {
            return;
        }
        final RaftCore core = agent.core();
        final Mirror mirror = mirrors.get(machine.address());
        final long commit = core.commitIndex();
        if (commit < mirror.commit) {
            throw new InvariantViolation("commit index never decreases", machine.address() + " went from "
                + mirror.commit + " to " + commit);
        }
        if (agent.appliedIndex() > commit) {
            throw new InvariantViolation("applied <= committed", machine.address() + " applied "
                + agent.appliedIndex() + " with commit index " + commit);
        }
        for (long i = mirror.commit + 1; i <= commit; i++) {
            if (i < mirror.firstIndex) {
                continue;
            }
            if (i > mirror.lastIndex()) {
                throw new InvariantViolation("commit within the log", machine.address() + " commits index " + i
                    + " beyond its durable log ending at " + mirror.lastIndex());
            }
            final long term = mirror.term(i);
            final long knownTerm = committedTerms.get(i);
            if (knownTerm == -1) {
                committedTerms.put(i, term);
                committedChecksums.put(i, mirror.checksum(i));
                commitTerms.put(i, core.term());
                highestCommitted = Math.max(highestCommitted, i);
            } else if (knownTerm != term || committedChecksums.get(i) != mirror.checksum(i)) {
                throw new InvariantViolation("committed entries are permanent", machine.address() + " committed "
                    + "index " + i + " of term " + term + ", but index " + i + " was committed in term " + knownTerm
                    + (knownTerm == term ? " with other content" : ""));
            }
        }
        if (commit > mirror.commit && core.role() == Role.LEADER && mirror.ledTerm == core.term()
            && mirror.term(commit) != core.term()) {
            throw new InvariantViolation("leaders commit by counting only entries of their own term (§3.6.2)",
                machine.address() + " leading term " + core.term() + " moved its commit index to " + commit
                + ", an entry of term " + mirror.term(commit));
        }
        mirror.commit = commit;
        if (core.role() == Role.LEADER && mirror.ledTerm != core.term()) {
            mirror.ledTerm = core.term();
            final NodeAddress other = leaders.get(core.term());
            if (null != other && !other.equals(machine.address())) {
                throw new InvariantViolation("election safety", machine.address() + " and " + other
                    + " both lead term " + core.term());
            }
            leaders.put(core.term(), machine.address());
            checkLeaderIsVoter(machine, core);
            for (long i = mirror.firstIndex; i <= highestCommitted; i++) {
                final long committedTerm = committedTerms.get(i);
                final long commitTerm = commitTerms.get(i);
                if (committedTerm != -1 && commitTerm < core.term() && (mirror.term(i) != committedTerm
                    || mirror.checksum(i) != committedChecksums.get(i))) {
                    throw new InvariantViolation("leader completeness", machine.address() + " leads term "
                        + core.term() + " without entry " + i + " of term " + committedTerm + ", committed in term "
                        + commitTerm + " (it holds term " + mirror.term(i) + ")");
                }
            }
        }
    }

    private void checkLeaderIsVoter(SimNode machine, RaftCore core) {
        final long[] latestIndex = {0};
        final Configuration[] latest = new Configuration[2];
        latest[0] = machine.storage().snapshots().latest().filter(meta -> meta.configuration().length > 0)
            .map(meta -> Configuration.decode(new UnsafeBuffer(meta.configuration()), 0, meta.configuration().length))
            .orElse(founding);
        final var log = core.log();
        if (log.lastIndex() >= log.firstIndex()) {
            log.forEach(log.firstIndex(), log.lastIndex(), (index, term, type, buffer, offset, length) -> {
                if (type == LogEntry.TYPE_CONFIGURATION) {
                    latest[1] = latest[0];
                    latest[0] = Configuration.decode(buffer, offset, length);
                    latestIndex[0] = index;
                }
            });
        }
        final NodeAddress self = machine.address();
        final boolean voter = latest[0].isVoter(self) || (latestIndex[0] > core.commitIndex() && null != latest[1]
            && latest[1].isVoter(self));
        if (!voter) {
            throw new InvariantViolation("only a voter of the leader's own configuration becomes leader", self
                + " leads term " + core.term() + " but its log makes it no voter: " + latest[0]
                + (latestIndex[0] > 0 ? " (entry " + latestIndex[0] + ")" : " (no configuration entry in its log)"));
        }
    }

    private static UnsafeBuffer view(ByteBuffer entry) {
        return new UnsafeBuffer(entry, entry.position(), entry.remaining());
    }
}
