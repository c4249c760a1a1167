package io.skiff.core.raft;

import io.skiff.core.codec.MessageType;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A snapshot a follower receives while entries of the same leader wait in its unstable tail (thesis §5.3): what a
 * follower acknowledges it keeps, and a leader counts only what a follower can still hold after the snapshot.
 *
 * <p>Issue 12, defect 1: a stalled follower reads a delayed AppendEntries and the last chunk of a snapshot in one
 * duty cycle. Installing the snapshot dropped the appended tail while the acknowledgement of it still left after the
 * persist, and the leader committed entries only it held. Each half of the fix is tested with the other half
 * disabled by {@link DeliberateBug#INSTALL_OVER_ACKNOWLEDGED_TAIL} on the node that would apply it.
 */
class SnapshotInstallTest {
    @Test
    void entriesAcknowledgedInTheCycleThatReceivesASnapshotStayOnAMajority() {
        final Scenario run = new Scenario(false, false);
        assertThat(run.notOnAMajority).as("committed indexes not stored by a majority").isEmpty();
        assertThat(run.s3.stores(run.lastNew, run.s1.core.term())).as("s3 stores what it acknowledged").isTrue();
        assertThat(run.s1.core.commitIndex()).isEqualTo(run.lastNew);
    }

    /** Even with a leader that counts every acknowledgement, the follower keeps what it acknowledged. */
    @Test
    void aFollowerWhoseLogHoldsTheSnapshotsLastEntryKeepsItsTailAndOnlyCommits() {
        final Scenario run = new Scenario(true, false);
        assertThat(run.notOnAMajority).as("committed indexes not stored by a majority").isEmpty();
        assertThat(run.s3.stores(run.lastNew, run.s1.core.term())).as("s3 stores what it acknowledged").isTrue();
        assertThat(run.s3.core.commitIndex()).isGreaterThanOrEqualTo(run.snapshotIndex);
    }

    /** Even with a follower that drops its tail (an older version, say), the leader commits nothing it lost. */
    @Test
    void aLeaderStreamingASnapshotCountsNoAcknowledgementBeyondIt() {
        final Scenario run = new Scenario(false, true);
        assertThat(run.notOnAMajority).as("committed indexes not stored by a majority").isEmpty();
        assertThat(run.s1.core.commitIndex()).as("the lost entries are sent again and commit").isEqualTo(run.lastNew);
    }

    /** The scenario reproduces the defect: with both halves disabled, entries commit on the leader alone. */
    @Test
    void withTheDefectReintroducedEntriesCommitOnTheLeaderAlone() {
        final Scenario run = new Scenario(true, true);
        assertThat(run.notOnAMajority).containsExactly(run.snapshotIndex + 1, run.snapshotIndex + 2, run.lastNew);
    }

    /**
     * Three nodes; s1 leads. s3's loop stalls while s1 sends it five entries (which commit with s2) and three more
     * (lost on the way to s2). s1 snapshots at the fifth and compacts; back pressure on the link to s3 sends s3 back
     * to probing, which finds the entries s3 needs compacted away and streams the snapshot. s3 then reads both
     * AppendEntries and the snapshot's only chunk in one duty cycle.
     */
    private static final class Scenario {
        final RaftHarness h = new RaftHarness(3, 12);
        final RaftHarness.Node s1 = h.node(1);
        final RaftHarness.Node s3 = h.node(3);
        final long snapshotIndex;
        final long lastNew;
        final List<Long> notOnAMajority;

        Scenario(boolean leaderBug, boolean followerBug) {
            if (leaderBug) {
                s1.core.inject(DeliberateBug.INSTALL_OVER_ACKNOWLEDGED_TAIL);
            }
            if (followerBug) {
                s3.core.inject(DeliberateBug.INSTALL_OVER_ACKNOWLEDGED_TAIL);
            }
            h.campaign(s1);
            h.stabilize();
            assertThat(s1.core.role()).isEqualTo(Role.LEADER);
            proposeAndSend("a", 3);
            h.stabilize();
            final long k = s1.core.log().lastIndex();
            assertThat(s3.core.log().lastIndex()).isEqualTo(k);

            h.stall(s3);
            proposeAndSend("b", 5);
            snapshotIndex = k + 5;
            proposeAndSend("c", 3);
            lastNew = k + 8;
            h.drop = frame -> frame.to().equals(h.node(2).address) && frame.type() == MessageType.APPEND_REQUEST
                && frame.prevIndex() == snapshotIndex;
            h.stabilize();
            assertThat(s1.core.commitIndex()).isEqualTo(snapshotIndex);
            h.isolate(2);
            s1.snapshot(snapshotIndex, 0);
            s1.core.onSendFailed(s1.core.peer(s3.address));
            s1.process();
            h.stabilize();
            assertThat(s3.held).extracting(RaftHarness.Frame::type).containsExactly(MessageType.APPEND_REQUEST,
                MessageType.APPEND_REQUEST, MessageType.INSTALL_SNAPSHOT);

            h.resume(s3);
            h.stabilize();
            notOnAMajority = h.committedButNotOnAMajority(s1);
        }

        private void proposeAndSend(String prefix, int count) {
            for (int i = 0; i < count; i++) {
                h.propose(s1, RaftHarness.command(prefix + i));
            }
            s1.process();
        }
    }
}
