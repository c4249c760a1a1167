package io.skiff.core.raft;

import io.skiff.NodeState;
import io.skiff.core.codec.MessageType;
import io.skiff.spi.PersistentState;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.skiff.core.raft.RaftHarness.MS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Claims of the Raft dissertation and the classic bugs, each checked on cores driven in virtual time. Section
 * numbers refer to Ongaro's dissertation.
 */
class RaftCoreTest {
    @Test
    void oneOfThreeIsElectedAndTheOthersFollowIt() {
        final RaftHarness h = new RaftHarness(3, 1);
        final RaftHarness.Node leader = h.electLeader();
        h.advance(200 * MS);
        assertThat(h.nodes.values()).filteredOn(n -> n.core.role() == Role.LEADER).containsExactly(leader);
        for (RaftHarness.Node node : h.nodes.values()) {
            assertThat(node.core.term()).isEqualTo(leader.core.term());
            assertThat(node.core.leader()).isEqualTo(leader.address);
        }
    }

    @Test
    void aLeaderCommitsItsNoopAndReplicatesCommandsToEveryFollower() {
        final RaftHarness h = new RaftHarness(3, 2);
        final RaftHarness.Node leader = h.electLeader();
        for (int i = 0; i < 25; i++) {
            h.propose(leader, RaftHarness.command("c" + i));
        }
        h.advance(100 * MS);
        for (RaftHarness.Node node : h.nodes.values()) {
            assertThat(node.core.log().lastIndex()).isEqualTo(26);
            assertThat(node.core.commitIndex()).isEqualTo(26);
            assertThat(node.terms()).isEqualTo(leader.terms());
        }
    }

    /**
     * §3.6.2, Figure 3.7: a leader may not commit an entry of an earlier term by counting replicas, or a later
     * leader whose log ends in a higher term could overwrite it.
     */
    @Test
    void anEntryOfAnEarlierTermIsNotCommittedByCountingReplicas() {
        final RaftHarness h = new RaftHarness(5, 3, new CoreConfig(150 * MS, 300 * MS, 50 * MS, 1, 64 * 1024, 16,
            1 << 20, false, false, 10, 256 * 1024));
        final RaftHarness.Node s1 = h.node(1);
        final RaftHarness.Node s2 = h.node(2);
        final RaftHarness.Node s3 = h.node(3);
        final RaftHarness.Node s5 = h.node(5);
        // (a) s1 leads term 1 and commits its no-op everywhere, then leads again in term 2.
        h.campaign(s1);
        h.stabilize();
        assertThat(s1.core.role()).isEqualTo(Role.LEADER);
        h.advance(60 * MS);
        // s1 appends X at term of s1 and replicates it to s2 only.
        h.drop = f -> f.from().equals(s1.address) && !f.to().equals(s2.address);
        final long xIndex = h.propose(s1, RaftHarness.command("X"));
        h.stabilize();
        assertThat(s2.core.log().lastIndex()).isEqualTo(xIndex);
        final long xTerm = s1.core.term();
        // (b) s1 crashes; s5 wins a later term with s3 and s4 and appends Y at the same index, unreplicated.
        s1.crash();
        h.drop = f -> f.from().equals(s5.address) && f.type() == MessageType.APPEND_REQUEST
            || f.to().equals(s2.address);
        h.campaign(s5);
        h.stabilize();
        assertThat(s5.core.role()).isEqualTo(Role.LEADER);
        assertThat(s5.core.log().term(xIndex)).isGreaterThan(xTerm);
        // (c) s5 crashes; s1 restarts and wins a later term with s2 and s3, then gets X onto s3: a majority holds X.
        s5.crash();
        s1.boot();
        // s1's appends reach s3 only up to X (a probe past it is rejected there), so its own new entry reaches s2
        // alone: 2 of 5.
        h.drop = f -> f.to().equals(h.node(4).address) || f.to().equals(s5.address)
            || f.from().equals(s1.address) && f.to().equals(s3.address) && f.type() == MessageType.APPEND_REQUEST
            && f.prevIndex() >= xIndex && s3.core.log().lastIndex() >= xIndex;
        // s3 voted for s5 in s5's term, so s1 may need a second, later term to win.
        for (int attempt = 0; attempt < 3 && s1.core.role() != Role.LEADER; attempt++) {
            h.campaign(s1);
            h.stabilize();
        }
        assertThat(s1.core.role()).isEqualTo(Role.LEADER);
        assertThat(s3.core.log().term(xIndex)).isEqualTo(xTerm);
        assertThat(s2.core.log().term(xIndex + 1)).isEqualTo(s1.core.term());
        // X sits on s1, s2, s3 (3 of 5) but belongs to an earlier term: it must not count as committed, since s5 could
        // still win and overwrite it.
        assertThat(s1.core.commitIndex()).isLessThan(xIndex);
        assertThat(s2.core.commitIndex()).isLessThan(xIndex);
        // Once an entry of s1's own term is on a majority, everything before it commits.
        h.heal();
        h.drop = f -> f.to().equals(s5.address);
        h.advance(100 * MS);
        assertThat(s1.core.commitIndex()).isGreaterThan(xIndex);
        assertThat(s1.core.log().term(xIndex)).isEqualTo(xTerm);
    }

    @Test
    void followersWithConflictingSuffixesAreRepairedToTheLeadersLog() {
        final RaftHarness h = new RaftHarness(3, 4, new CoreConfig(150 * MS, 300 * MS, 50 * MS, 2, 64 * 1024, 4,
            1 << 20, true, true, 10, 256 * 1024));
        RaftHarness.Node leader = h.electLeader();
        h.advance(100 * MS);
        // The leader appends entries nobody else receives, then loses leadership to a node that appends others.
        h.isolate(h.addresses.indexOf(leader.address) + 1);
        for (int i = 0; i < 7; i++) {
            h.propose(leader, RaftHarness.command("lost" + i));
        }
        h.advance(1000 * MS);
        final RaftHarness.Node other = h.leader() == leader ? null : h.leader();
        assertThat(other).isNotNull();
        for (int i = 0; i < 5; i++) {
            h.propose(other, RaftHarness.command("kept" + i));
        }
        h.advance(100 * MS);
        h.heal();
        h.advance(500 * MS);
        final RaftHarness.Node finalLeader = h.leader();
        for (RaftHarness.Node node : h.nodes.values()) {
            assertThat(node.terms()).as(node.toString()).isEqualTo(finalLeader.terms());
            assertThat(node.core.commitIndex()).isEqualTo(finalLeader.core.log().lastIndex());
        }
        assertThat(leader.core.role()).isNotEqualTo(Role.LEADER);
    }

    /** §3.8: a vote is durable before it is sent, so a voter that restarts cannot vote twice in one term. */
    @Test
    void aVoteIsPersistedBeforeTheResponseLeavesAndSurvivesACrash() {
        final RaftHarness h = new RaftHarness(3, 5, new CoreConfig(150 * MS, 300 * MS, 50 * MS, 64, 64 * 1024, 16,
            1 << 20, false, false, 10, 256 * 1024));
        final RaftHarness.Node s1 = h.node(1);
        final RaftHarness.Node s2 = h.node(2);
        final RaftHarness.Node s3 = h.node(3);
        h.campaign(s1);
        final RaftHarness.Frame request = h.network.stream().filter(f -> f.to().equals(s2.address)).findFirst()
            .orElseThrow();
        s2.decoder.decode(new org.agrona.concurrent.UnsafeBuffer(request.bytes()), 0, request.bytes().length, s2.core);
        assertThat(s2.outbox.count()).isEqualTo(1);
        assertThat(s2.outbox.waitsPersist(0)).as("the vote waits until it is durable").isTrue();
        assertThat(s2.core.hardStateDirty()).isTrue();
        s2.process();
        final PersistentState saved = s2.storage.state().load();
        assertThat(saved.votedFor()).isEqualTo(s1.address);
        assertThat(saved.term()).isEqualTo(s1.core.term());
        final long term = s1.core.term();
        s2.crash();
        s2.boot();
        assertThat(s2.core.term()).isEqualTo(term);
        assertThat(s2.core.votedFor()).isEqualTo(s1.address);
        // A rival of the same term asking the restarted s2 is refused.
        h.network.clear();
        s3.core.campaign();
        assertThat(s3.core.term()).isEqualTo(term);
        s3.process();
        h.drop = f -> f.to().equals(s1.address);
        h.stabilize();
        assertThat(s3.core.role()).isNotEqualTo(Role.LEADER);
        assertThat(s2.storage.state().load().votedFor()).isEqualTo(s1.address);
    }

    /** §3.6.1: a voter refuses a candidate whose log is less up to date than its own. */
    @Test
    void aCandidateWithAStaleLogIsNotElected() {
        final RaftHarness h = new RaftHarness(3, 6);
        final RaftHarness.Node leader = h.electLeader();
        final RaftHarness.Node lagging = h.nodes.values().stream().filter(n -> n != leader).findFirst().orElseThrow();
        h.isolate(h.addresses.indexOf(lagging.address) + 1);
        for (int i = 0; i < 3; i++) {
            h.propose(leader, RaftHarness.command("x" + i));
        }
        h.advance(100 * MS);
        leader.crash();
        h.heal();
        h.campaign(lagging);
        h.stabilize();
        assertThat(lagging.core.role()).isNotEqualTo(Role.LEADER);
        h.advance(2000 * MS);
        final RaftHarness.Node next = h.leader();
        assertThat(next).isNotSameAs(lagging);
        assertThat(next.core.log().lastIndex()).isGreaterThanOrEqualTo(4);
    }

    /** §9.6: with pre-vote, a node cut off from the cluster does not inflate its term and disrupt the leader. */
    @Test
    void aPartitionedNodeRejoiningDoesNotDisruptTheLeader() {
        final RaftHarness h = new RaftHarness(3, 7);
        final RaftHarness.Node leader = h.electLeader();
        h.advance(100 * MS);
        final long term = leader.core.term();
        final RaftHarness.Node cut = h.nodes.values().stream().filter(n -> n != leader).findFirst().orElseThrow();
        h.isolate(h.addresses.indexOf(cut.address) + 1);
        h.advance(5000 * MS);
        assertThat(cut.core.term()).isEqualTo(term);
        assertThat(cut.states).contains(NodeState.PRE_CANDIDATE);
        h.heal();
        h.advance(1000 * MS);
        assertThat(h.leader()).isSameAs(leader);
        assertThat(leader.core.term()).isEqualTo(term);
        assertThat(cut.core.leader()).isEqualTo(leader.address);
    }

    @Test
    void withoutPreVoteARejoiningNodeWithAHigherTermForcesAnElection() {
        final RaftHarness h = new RaftHarness(3, 8, new CoreConfig(150 * MS, 300 * MS, 50 * MS, 64, 64 * 1024, 16,
            1 << 20, false, false, 10, 256 * 1024));
        final RaftHarness.Node leader = h.electLeader();
        final long term = leader.core.term();
        final RaftHarness.Node cut = h.nodes.values().stream().filter(n -> n != leader).findFirst().orElseThrow();
        h.isolate(h.addresses.indexOf(cut.address) + 1);
        h.advance(3000 * MS);
        assertThat(cut.core.term()).isGreaterThan(term);
        h.heal();
        h.advance(1000 * MS);
        assertThat(h.leader().core.term()).isGreaterThan(term);
    }

    /** §6.2 check-quorum: a leader that cannot hear from a majority steps down instead of serving forever. */
    @Test
    void aLeaderCutOffFromTheMajorityStepsDown() {
        final RaftHarness h = new RaftHarness(3, 9);
        final RaftHarness.Node leader = h.electLeader();
        h.isolate(h.addresses.indexOf(leader.address) + 1);
        h.advance(h.config.electionTimeoutMaxNs() * 3);
        assertThat(leader.core.role()).isNotEqualTo(Role.LEADER);
        assertThat(h.leader()).isNotNull().isNotSameAs(leader);
    }

    /** §6.4: a deposed leader that still believes it leads must not confirm a linearizable read. */
    @Test
    void aDeposedLeaderNeverConfirmsALinearizableRead() {
        final RaftHarness h = new RaftHarness(3, 10);
        final RaftHarness.Node old = h.electLeader();
        h.advance(100 * MS);
        h.isolate(h.addresses.indexOf(old.address) + 1);
        // The majority elects a new leader and commits a write the old leader never sees.
        h.advance(1000 * MS);
        final RaftHarness.Node current = h.leader();
        assertThat(current).isNotSameAs(old);
        h.propose(current, RaftHarness.command("new"));
        h.advance(100 * MS);
        // Asked before it noticed, the old leader may not confirm the read; once it steps down it fails it.
        old.core.readIndex(42);
        old.process();
        h.stabilize();
        h.advance(h.config.electionTimeoutMaxNs() * 2);
        assertThat(old.readsGranted).doesNotContain(42L);
        assertThat(old.readsFailed).contains(42L);
    }

    @Test
    void aLeaderConfirmsReadsWithOneRoundForManyReads() {
        final RaftHarness h = new RaftHarness(3, 11);
        final RaftHarness.Node leader = h.electLeader();
        h.advance(100 * MS);
        for (long id = 1; id <= 10; id++) {
            leader.core.readIndex(id);
        }
        final int before = h.network.size();
        leader.process();
        final long heartbeats = h.network.stream().skip(before).filter(f -> f.type() == MessageType.HEARTBEAT).count();
        h.stabilize();
        assertThat(heartbeats).isEqualTo(2);
        assertThat(leader.readsGranted).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
    }

    /** §6.4: a new leader does not serve reads before it has committed an entry of its own term. */
    @Test
    void aNewLeaderDefersReadsUntilItCommitsInItsTerm() {
        final RaftHarness h = new RaftHarness(3, 12);
        final RaftHarness.Node s1 = h.node(1);
        h.drop = f -> f.from().equals(s1.address) && f.type() == MessageType.APPEND_REQUEST;
        h.campaign(s1);
        h.stabilize();
        assertThat(s1.core.role()).isEqualTo(Role.LEADER);
        s1.core.readIndex(7);
        s1.process();
        h.stabilize();
        h.advance(50 * MS);
        assertThat(s1.readsGranted).isEmpty();
        h.heal();
        h.advance(100 * MS);
        assertThat(s1.readsGranted).containsExactly(7L);
    }

    /** A duplicated or delayed AppendEntries whose entries match must never truncate what a later one added. */
    @Test
    void aStaleDuplicateAppendDoesNotTruncateLaterEntries() {
        final RaftHarness h = new RaftHarness(3, 13, new CoreConfig(150 * MS, 300 * MS, 50 * MS, 1, 64 * 1024, 16,
            1 << 20, true, true, 10, 256 * 1024));
        final RaftHarness.Node leader = h.electLeader();
        h.advance(100 * MS);
        final RaftHarness.Node follower = h.nodes.values().stream().filter(n -> n != leader).findFirst().orElseThrow();
        final List<RaftHarness.Frame> copies = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            h.propose(leader, RaftHarness.command("e" + i));
        }
        leader.process();
        for (RaftHarness.Frame frame : h.network) {
            if (frame.to().equals(follower.address) && frame.type() == MessageType.APPEND_REQUEST) {
                copies.add(frame);
            }
        }
        h.stabilize();
        final long last = follower.core.log().lastIndex();
        assertThat(copies).isNotEmpty();
        h.network.add(copies.get(0));
        h.stabilize();
        assertThat(follower.core.log().lastIndex()).isEqualTo(last);
        assertThat(follower.terms()).isEqualTo(leader.terms());
    }

    @Test
    void aWeakenedNodeDoesNotCampaignUntilItHearsFromANewLeader() {
        final RaftHarness h = new RaftHarness(3, 14);
        final RaftHarness.Node leader = h.electLeader();
        h.advance(100 * MS);
        final RaftHarness.Node preferred = h.nodes.values().stream().filter(n -> n != leader).findFirst()
            .orElseThrow();
        for (RaftHarness.Node node : h.nodes.values()) {
            if (node != preferred) {
                node.core.weaken(h.now + 10_000 * MS);
                node.process();
            }
        }
        assertThat(leader.core.role()).isEqualTo(Role.FOLLOWER);
        h.advance(2000 * MS);
        assertThat(h.leader()).isSameAs(preferred);
        for (RaftHarness.Node node : h.nodes.values()) {
            assertThat(node.core.state()).isIn(NodeState.LEADER, NodeState.FOLLOWER);
        }
    }

    @Test
    void aFollowerForwardsAReadToTheLeaderAndGetsItsReadIndex() {
        final RaftHarness h = new RaftHarness(3, 15);
        final RaftHarness.Node leader = h.electLeader();
        h.advance(100 * MS);
        final RaftHarness.Node follower = h.nodes.values().stream().filter(n -> n != leader).findFirst()
            .orElseThrow();
        follower.core.readIndex(5);
        follower.process();
        h.stabilize();
        assertThat(follower.readsGranted).containsExactly(5L);
    }

    /** Found by simulation seed 136: a full window of lost appends must not stall replication forever. */
    @Test
    void aLeaderResendsWhenEveryAppendInFlightWasLost() {
        final RaftHarness h = new RaftHarness(3, 16, new CoreConfig(150 * MS, 300 * MS, 50 * MS, 1, 64 * 1024, 2,
            1 << 20, true, true, 10, 256 * 1024));
        final RaftHarness.Node leader = h.electLeader();
        h.advance(100 * MS);
        final RaftHarness.Node follower = h.nodes.values().stream().filter(n -> n != leader).findFirst()
            .orElseThrow();
        h.drop = f -> f.to().equals(follower.address) && f.type() == MessageType.APPEND_REQUEST;
        for (int i = 0; i < 6; i++) {
            h.propose(leader, RaftHarness.command("x" + i));
        }
        h.advance(100 * MS);
        assertThat(follower.core.log().lastIndex()).isLessThan(leader.core.log().lastIndex());
        h.heal();
        h.advance(500 * MS);
        assertThat(follower.terms()).isEqualTo(leader.terms());
    }
}
