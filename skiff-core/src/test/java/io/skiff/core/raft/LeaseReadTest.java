package io.skiff.core.raft;

import io.skiff.core.codec.MessageLayout;
import io.skiff.core.codec.MessageType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.skiff.core.raft.RaftHarness.MS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Lease reads (thesis §6.4.1): the leader answers without a round trip for {@code electionTimeoutMin -
 * leaseClockDrift} from the heartbeat round a majority acknowledged, while every follower that acknowledged it keeps
 * its promise not to vote (nor campaign) for {@code electionTimeoutMin}.
 */
class LeaseReadTest {
    /** Election timeout 150-300 ms, heartbeats every 50 ms, a drift allowance of 40 ms: leases of 110 ms. */
    private static final CoreConfig CONFIG = new CoreConfig(150 * MS, 300 * MS, 50 * MS, 64, 64 * 1024, 16, 1 << 20,
        true, true, 10, 256 * 1024, 40 * MS);
    private static final long LEASE = 110 * MS;

    @Test
    void theLeaseRunsFromWhenTheAcknowledgedRoundWasSentShortenedByTheDriftAllowance() {
        final RaftHarness h = new RaftHarness(3, 21, CONFIG);
        final RaftHarness.Node leader = settledLeader(h);
        // The followers' answers take 100 ms to come back: the lease still counts from the sending.
        final long sent = acknowledgedRound(h, leader, 100 * MS);
        assertThat(CONFIG.leaseNs()).isEqualTo(LEASE);
        assertThat(leader.core.leaseReadIndex(h.now)).isEqualTo(leader.core.commitIndex()).isPositive();
        assertThat(leader.core.leaseReadIndex(sent + LEASE - 1)).isEqualTo(leader.core.commitIndex());
        assertThat(leader.core.leaseReadIndex(sent + LEASE)).isEqualTo(RaftCore.NO_LEASE);
    }

    @Test
    void eachAcknowledgedRoundExtendsTheLeaseAndWithoutOneItExpires() {
        final RaftHarness h = new RaftHarness(3, 22, CONFIG);
        final RaftHarness.Node leader = settledLeader(h);
        final long first = acknowledgedRound(h, leader, 0);
        final long second = acknowledgedRound(h, leader, 0);
        assertThat(second).isGreaterThan(first);
        assertThat(leader.core.leaseReadIndex(first + LEASE)).isEqualTo(leader.core.commitIndex());
        assertThat(leader.core.leaseReadIndex(second + LEASE - 1)).isEqualTo(leader.core.commitIndex());
        assertThat(leader.core.leaseReadIndex(second + LEASE)).isEqualTo(RaftCore.NO_LEASE);
    }

    @Test
    void aRoundOnlyOneFollowerOfFourAcknowledgedGrantsNoLease() {
        final RaftHarness h = new RaftHarness(5, 23, CONFIG);
        final RaftHarness.Node leader = settledLeader(h);
        final RaftHarness.Node answering = followers(h, leader).get(0);
        h.drop = f -> f.to().equals(leader.address) && !f.from().equals(answering.address);
        final long sent = acknowledgedRound(h, leader, 0);
        // Two of five (the leader and one follower) are no majority: the previous rounds' lease runs out.
        assertThat(leader.core.leaseReadIndex(sent + LEASE - 1)).isEqualTo(RaftCore.NO_LEASE);
    }

    /** §6.4: as with ReadIndex, a new leader does not know what is committed before it commits in its term. */
    @Test
    void aNewLeaderHoldsNoLeaseUntilItCommitsAnEntryOfItsTerm() {
        final RaftHarness h = new RaftHarness(3, 24, CONFIG);
        h.drop = f -> f.type() == MessageType.APPEND_RESPONSE;
        final RaftHarness.Node leader = h.electLeader();
        h.advance(100 * MS);
        assertThat(leader.core.commitIndex()).isZero();
        assertThat(leader.core.leaseReadIndex(h.now)).isEqualTo(RaftCore.NO_LEASE);
        h.heal();
        h.advance(100 * MS);
        assertThat(leader.core.leaseReadIndex(h.now)).isEqualTo(leader.core.commitIndex()).isPositive();
    }

    @Test
    void aLeaderThatStepsDownStopsServingLeaseReadsAtOnce() {
        final RaftHarness h = new RaftHarness(3, 25, CONFIG);
        final RaftHarness.Node leader = settledLeader(h);
        final long sent = acknowledgedRound(h, leader, 0);
        leader.core.weaken(h.now + 1000 * MS);
        assertThat(leader.core.role()).isEqualTo(Role.FOLLOWER);
        assertThat(leader.core.leaseReadIndex(sent + 1)).isEqualTo(RaftCore.NO_LEASE);
    }

    /**
     * A transfer's target campaigns past the voters' promise, so the leader stops at once; once it has told the
     * target to take over, that message may arrive at any time, so the lease is gone for the rest of the term even
     * if the transfer times out and the leader keeps leading.
     */
    @Test
    void aLeaderTransferringLeadershipStopsServingLeaseReadsForTheRestOfItsTerm() {
        final RaftHarness h = new RaftHarness(3, 26, CONFIG);
        final RaftHarness.Node leader = settledLeader(h);
        final RaftHarness.Node target = followers(h, leader).get(0);
        acknowledgedRound(h, leader, 0);
        h.drop = f -> f.to().equals(target.address);
        leader.core.requestMembership(1, MessageLayout.MEMBERSHIP_TRANSFER, target.address, h.now + 10_000 * MS);
        assertThat(leader.core.leaseReadIndex(h.now)).isEqualTo(RaftCore.NO_LEASE);
        leader.process();
        h.advance(4 * CONFIG.electionTimeoutMaxNs());
        assertThat(leader.membershipResults).singleElement().asString().contains("did not take over");
        assertThat(leader.core.role()).isEqualTo(Role.LEADER);
        final long term = leader.core.term();
        h.heal();
        h.advance(200 * MS);
        assertThat(leader.core.term()).isEqualTo(term);
        assertThat(leader.core.leaseReadIndex(h.now)).isEqualTo(RaftCore.NO_LEASE);
        leader.core.readIndex(5);
        leader.process();
        h.advance(100 * MS);
        assertThat(leader.readsGranted).contains(5L);
    }

    /** A follower's clock that leaps forward must not end its promise: it neither campaigns nor votes. */
    @Test
    void aFollowerWhoseClockJumpsForwardKeepsItsPromiseToTheLeader() {
        final RaftHarness h = new RaftHarness(3, 27, CONFIG);
        final RaftHarness.Node leader = settledLeader(h);
        final RaftHarness.Node jumper = followers(h, leader).get(0);
        final RaftHarness.Node rival = followers(h, leader).get(1);
        final long sent = acknowledgedRound(h, leader, 0);
        jumper.core.tick(h.now);
        jumper.core.tick(h.now + 5000 * MS);
        jumper.process();
        assertThat(jumper.core.role()).as("its election timer is long past due").isEqualTo(Role.FOLLOWER);
        // The rival, cut off from the leader, needs the jumper's vote.
        cut(h, leader, rival);
        h.campaign(rival);
        h.stabilize();
        assertThat(rival.core.role()).isNotEqualTo(Role.LEADER);
        assertThat(leader.core.role()).isEqualTo(Role.LEADER);
        assertThat(leader.core.leaseReadIndex(sent + LEASE - 1)).isEqualTo(leader.core.commitIndex());
    }

    /** A follower that restarts may have acknowledged a round just before: it keeps the promise it may have made. */
    @Test
    void aRestartedFollowerKeepsThePromiseItMayHaveMade() {
        final RaftHarness h = new RaftHarness(3, 28, CONFIG);
        final RaftHarness.Node leader = settledLeader(h);
        final RaftHarness.Node restarted = followers(h, leader).get(0);
        final RaftHarness.Node rival = followers(h, leader).get(1);
        final long sent = acknowledgedRound(h, leader, 0);
        restarted.crash();
        restarted.boot();
        cut(h, leader, rival);
        h.campaign(rival);
        h.stabilize();
        assertThat(rival.core.role()).isNotEqualTo(Role.LEADER);
        assertThat(leader.core.leaseReadIndex(sent + LEASE - 1)).isEqualTo(leader.core.commitIndex());
        // Once the promise has run out, the rival can win without the old leader.
        h.isolate(h.addresses.indexOf(leader.address) + 1);
        h.advance(3 * CONFIG.electionTimeoutMaxNs());
        assertThat(h.leader()).isNotNull().isNotSameAs(leader);
    }

    /** A leader whose clock is set back must not see its lease last longer: the clock it is measured on goes on. */
    @Test
    void aLeaderWhoseClockIsSetBackDoesNotStretchItsLease() {
        final RaftHarness h = new RaftHarness(3, 29, CONFIG);
        final RaftHarness.Node leader = settledLeader(h);
        acknowledgedRound(h, leader, 0);
        // A millisecond later the clock reads a second earlier: the core's own time (its highest reading) stands
        // still for that second, but the lease is over after its 110 ms of real time all the same.
        final long setBack = h.now + MS - 1000 * MS;
        leader.core.tick(setBack);
        assertThat(leader.core.leaseReadIndex(setBack + LEASE - 2 * MS)).isEqualTo(leader.core.commitIndex());
        assertThat(leader.core.leaseReadIndex(setBack + LEASE)).isEqualTo(RaftCore.NO_LEASE);
    }

    @Test
    void withoutCheckQuorumNoLeaseIsHeld() {
        final RaftHarness h = new RaftHarness(3, 30, new CoreConfig(150 * MS, 300 * MS, 50 * MS, 64, 64 * 1024, 16,
            1 << 20, true, false, 10, 256 * 1024, 40 * MS));
        final RaftHarness.Node leader = settledLeader(h);
        acknowledgedRound(h, leader, 0);
        assertThat(leader.core.leaseReadIndex(h.now)).isEqualTo(RaftCore.NO_LEASE);
    }

    private static RaftHarness.Node settledLeader(RaftHarness h) {
        final RaftHarness.Node leader = h.electLeader();
        h.advance(100 * MS);
        assertThat(leader.core.role()).isEqualTo(Role.LEADER);
        return leader;
    }

    private static void cut(RaftHarness h, RaftHarness.Node a, RaftHarness.Node b) {
        h.drop = f -> f.from().equals(a.address) && f.to().equals(b.address)
            || f.from().equals(b.address) && f.to().equals(a.address);
    }

    private static List<RaftHarness.Node> followers(RaftHarness h, RaftHarness.Node leader) {
        return h.nodes.values().stream().filter(n -> n != leader).toList();
    }

    /**
     * Makes the leader send a heartbeat round now and delivers it; the answers reach the leader {@code delayNs}
     * later.
     *
     * @return when the round was sent.
     */
    private static long acknowledgedRound(RaftHarness h, RaftHarness.Node leader, long delayNs) {
        h.now += h.config.heartbeatIntervalNs();
        leader.core.tick(h.now);
        leader.process();
        final long sent = h.now;
        final List<RaftHarness.Frame> answers = new ArrayList<>();
        while (!h.network.isEmpty()) {
            if (h.network.peek().to().equals(leader.address)) {
                answers.add(h.network.poll());
            } else {
                h.deliverOne();
            }
        }
        h.now += delayNs;
        leader.core.advanceClock(h.now);
        h.network.addAll(answers);
        h.stabilize();
        return sent;
    }
}
