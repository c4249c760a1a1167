package io.skiff.core.raft;

import io.skiff.core.codec.MessageType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Answers to what a follower asks its leader (ReadIndex, peers, membership) are matched by id, sender and term
 * (issue 12, defect 5): an answer counts only from the node asked, in the term asked or later.
 */
class LeaderAnswerTest {
    @Test
    void aReadIndexAnswerCountsOnlyFromTheLeaderAskedInTheTermAsked() {
        final RaftHarness h = new RaftHarness(3, 70);
        final RaftHarness.Node s1 = h.node(1);
        final RaftHarness.Node s2 = h.node(2);
        final RaftHarness.Node s3 = h.node(3);
        h.campaign(s1);
        h.stabilize();
        final long term = s1.core.term();
        final long commit = s1.core.commitIndex();
        // s2's request reaches s1, whose answer is lost.
        h.drop = frame -> frame.type() == MessageType.READ_INDEX_RESPONSE;
        s2.core.readIndex(7);
        s2.process();
        h.stabilize();
        h.drop = frame -> false;

        h.inject(s3.address, s2.address, (encoder, buffer) -> encoder.readIndexResponse(buffer, 0, term, 7, commit,
            true));
        h.inject(s1.address, s2.address, (encoder, buffer) -> encoder.readIndexResponse(buffer, 0, term - 1, 7,
            commit, true));
        h.stabilize();
        assertThat(s2.readsGranted).as("answers from another node, or of an earlier term").isEmpty();

        h.inject(s1.address, s2.address, (encoder, buffer) -> encoder.readIndexResponse(buffer, 0, term, 7, commit,
            true));
        h.inject(s1.address, s2.address, (encoder, buffer) -> encoder.readIndexResponse(buffer, 0, term, 7, commit,
            true));
        h.stabilize();
        assertThat(s2.readsGranted).as("the leader's answer, once").containsExactly(7L);
    }

    @Test
    void aMembershipAnswerCountsOnlyFromTheLeaderAsked() {
        final RaftHarness h = new RaftHarness(3, 71);
        final RaftHarness.Node s1 = h.node(1);
        final RaftHarness.Node s2 = h.node(2);
        h.campaign(s1);
        h.stabilize();
        final long term = s1.core.term();
        h.drop = frame -> frame.type() == MessageType.MEMBERSHIP_RESPONSE || frame.type() == MessageType.TIMEOUT_NOW;
        s2.core.requestMembership(9, io.skiff.core.codec.MessageLayout.MEMBERSHIP_TRANSFER, h.node(3).address,
            h.now + 10_000 * RaftHarness.MS);
        s2.process();
        h.stabilize();
        h.drop = frame -> false;

        h.inject(h.node(3).address, s2.address, (encoder, buffer) -> encoder.membershipResponse(buffer, 0, term, 9,
            io.skiff.core.raft.MembershipStatus.OK, new byte[0]));
        h.stabilize();
        assertThat(s2.membershipResults).isEmpty();
        h.inject(s1.address, s2.address, (encoder, buffer) -> encoder.membershipResponse(buffer, 0, term, 9,
            io.skiff.core.raft.MembershipStatus.OK, new byte[0]));
        h.stabilize();
        assertThat(s2.membershipResults).containsExactly("9:" + MembershipStatus.OK + ":");
    }
}
