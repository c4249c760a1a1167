package io.skiff.core.raft;

import io.skiff.core.codec.MessageType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.skiff.core.raft.RaftHarness.MS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Election messages count only when they come from whom and from when they claim (issue 12, defect 6): a TimeoutNow
 * only from the leader this node follows, a (pre-)vote only as the answer to the current round.
 */
class ElectionMessageOriginTest {
    @Test
    void aTimeoutNowFromAFollowerOfTheSameTermIsIgnored() {
        final RaftHarness h = new RaftHarness(3, 61);
        final RaftHarness.Node s1 = h.node(1);
        final RaftHarness.Node s3 = h.node(3);
        h.campaign(s1);
        h.stabilize();
        final long term = s1.core.term();
        h.inject(h.node(2).address, s3.address, (encoder, buffer) -> encoder.timeoutNow(buffer, 0, term));
        h.stabilize();
        assertThat(s3.core.term()).as("s3 did not campaign").isEqualTo(term);
        assertThat(s1.core.role()).isEqualTo(Role.LEADER);
    }

    /** The same frame from the leader is a handover: the test above fails for the sender, not the frame. */
    @Test
    void aTimeoutNowFromTheLeaderStartsAnElectionAtOnce() {
        final RaftHarness h = new RaftHarness(3, 61);
        final RaftHarness.Node s1 = h.node(1);
        final RaftHarness.Node s3 = h.node(3);
        h.campaign(s1);
        h.stabilize();
        final long term = s1.core.term();
        h.inject(s1.address, s3.address, (encoder, buffer) -> encoder.timeoutNow(buffer, 0, term));
        h.stabilize();
        assertThat(s3.core.term()).isEqualTo(term + 1);
        assertThat(s3.core.role()).isEqualTo(Role.LEADER);
    }

    /**
     * A pre-candidate starts a second round at the same term; a grant to its first round, delayed, arrives during
     * the second. It answered another request and must not complete this round's majority.
     */
    @Test
    void aPreVoteGrantOfAnEarlierRoundAtTheSameTermIsNotCounted() {
        final RaftHarness h = new RaftHarness(3, 62);
        final RaftHarness.Node s1 = h.node(1);
        final RaftHarness.Node s2 = h.node(2);
        final RaftHarness.Node s3 = h.node(3);
        h.campaign(s1);
        h.stabilize();
        // s1 is gone; s2 stays a follower (weakened) but, out of its leader's lease, grants pre-votes.
        s1.crash();
        // In steps, as a running node reads its clock: one step counts for little toward the end of a promise.
        for (int step = 0; step < 40; step++) {
            h.now += 10 * MS;
            s2.core.advanceClock(h.now);
            s3.core.advanceClock(h.now);
        }
        s2.core.weaken(h.now + 10_000 * MS);
        s2.process();
        final long term = s3.core.term();

        h.campaign(s3);
        assertThat(s3.core.role()).isEqualTo(Role.PRE_CANDIDATE);
        // The grants of the first round are delayed: only s2 is up to answer, and its answer is held back.
        final List<RaftHarness.Frame> firstRoundAnswers = new ArrayList<>();
        deliverAllHolding(h, MessageType.PRE_VOTE_RESPONSE, firstRoundAnswers);
        assertThat(firstRoundAnswers).hasSize(1);

        // A second round at the same term; its requests are lost. Then the first round's grant arrives.
        h.campaign(s3);
        h.network.clear();
        h.network.addAll(firstRoundAnswers);
        h.stabilize();

        assertThat(s3.core.role()).isEqualTo(Role.PRE_CANDIDATE);
        assertThat(s3.core.term()).isEqualTo(term);
    }

    private static void deliverAllHolding(RaftHarness h, int type, List<RaftHarness.Frame> held) {
        while (!h.network.isEmpty()) {
            if (h.network.peek().type() == type) {
                held.add(h.network.poll());
            } else {
                h.deliverOne();
            }
        }
    }
}
