package io.skiff.testkit.sim;

import io.skiff.NodeAddress;
import io.skiff.PeerInfo;
import io.skiff.SkiffNode;
import io.skiff.core.codec.FrameEncoder;
import io.skiff.core.codec.FrameHeader;
import io.skiff.core.codec.MessageLayout;
import io.skiff.core.codec.MessageType;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12, defect 5: request ids restarted at 1 in each run of a node, and answers were matched by id alone, so an
 * answer to a request of an earlier run, arriving late, served a request of the new run. Ids are now unique across
 * runs (and answers must come from the node asked, in the term asked or later).
 */
class LateAnswerTest {
    @Test
    void anAnswerToARequestOfAnEarlierRunDoesNotAnswerOneOfTheNewRun() {
        final Simulation sim = Simulation.builder().seed(12).nodes(3).build();
        sim.start();
        final SkiffNode leader = sim.awaitLeader(Duration.ofSeconds(5));
        final NodeAddress follower = sim.addresses().stream().filter(a -> !a.equals(leader.address())).findFirst()
            .orElseThrow();
        sim.await(leader.levelup().put("settle", "1"), Duration.ofSeconds(5));
        sim.runFor(Duration.ofMillis(300));

        // The first run of the follower asks the (paused) leader for the members; the request waits there.
        sim.pause(leader.address());
        sim.node(follower).orElseThrow().peers();
        sim.runFor(Duration.ofMillis(5));
        final byte[] earlier = takePeersRequest(sim, leader.address(), follower);
        final UnsafeBuffer request = new UnsafeBuffer(earlier);
        final long term = FrameHeader.term(request, 0);
        final long earlierId = request.getLong(FrameHeader.SENDER_OFFSET + FrameHeader.senderLength(request, 0)
            + MessageLayout.PEERS_REQUEST_ID, FrameHeader.BYTE_ORDER);

        // The follower restarts, follows the leader again and asks again; the leader is paused before it answers.
        sim.crash(follower);
        sim.restart(follower);
        sim.resume(leader.address());
        sim.runFor(Duration.ofMillis(500));
        sim.pause(leader.address());
        final CompletableFuture<List<PeerInfo>> peers = sim.node(follower).orElseThrow().peers();
        sim.runFor(Duration.ofMillis(5));

        // The leader's answer to the first run's request arrives now: "no longer the leader" (no members).
        final UnsafeBuffer answer = new UnsafeBuffer(new byte[256]);
        final FrameEncoder encoder = new FrameEncoder(FrameHeader.clusterIdHash(sim.options().clusterId()),
            leader.address().toString());
        final int start = encoder.beginPeersResponse(answer, 0, term, earlierId);
        final int length = encoder.finishPeersResponse(answer, 0, 0, 0);
        assertThat(start).isPositive();
        final SimTransport endpoint = sim.network().endpoint(follower);
        endpoint.inbox().add(Arrays.copyOf(answer.byteArray(), length));
        endpoint.onArrival();
        sim.runFor(Duration.ofMillis(5));
        assertThat(peers).as("the new run's request is still waiting for its own answer").isNotDone();

        sim.resume(leader.address());
        assertThat(sim.await(peers, Duration.ofSeconds(2))).hasSize(3);
    }

    private static byte[] takePeersRequest(Simulation sim, NodeAddress leader, NodeAddress from) {
        final var inbox = sim.network().endpoint(leader).inbox();
        for (byte[] frame : inbox) {
            final UnsafeBuffer buffer = new UnsafeBuffer(frame);
            final String sender = buffer.getStringWithoutLengthAscii(FrameHeader.SENDER_OFFSET,
                FrameHeader.senderLength(buffer, 0));
            if (FrameHeader.type(buffer, 0) == MessageType.PEERS_REQUEST && sender.equals(from.toString())) {
                inbox.remove(frame);
                return frame;
            }
        }
        throw new AssertionError("no PeersRequest from " + from + " waits at " + leader);
    }
}
