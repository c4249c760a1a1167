package io.skiff.testkit;

import io.skiff.NodeAddress;
import io.skiff.core.codec.FrameHeader;
import io.skiff.core.codec.MessageType;
import io.skiff.spi.SendResult;
import io.skiff.spi.Transport;
import io.skiff.spi.TransportContext;
import io.skiff.testkit.sim.LinkFaults;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Link faults on the real-time {@link InMemoryNetwork}: each fault does what it says, observed by a receiver polling
 * its transport. Frames carry a type byte where a Skiff frame has it, a sequence number and the time they were sent.
 */
class InMemoryNetworkFaultsTest {
    private static final NodeAddress A = NodeAddress.parse("/mem/a");
    private static final NodeAddress B = NodeAddress.parse("/mem/b");
    private static final NodeAddress C = NodeAddress.parse("/mem/c");
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long HOUR_NS = TimeUnit.HOURS.toNanos(1);
    private static final int SEQUENCE_OFFSET = 8;
    private static final int SENT_AT_OFFSET = 12;
    private static final int FRAME_LENGTH = 20;

    private final InMemoryNetwork network = new InMemoryNetwork(InMemoryNetwork.DEFAULT_INBOX_CAPACITY, 42);
    private final List<Transport> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(Transport::close);
        network.close();
    }

    @Test
    void theSeedIsReported() {
        assertThat(network.seed()).isEqualTo(42);
        assertThat(network.toString()).contains("seed=42");
    }

    @Test
    void withoutDelayFramesGoStraightIntoTheInboxAndNoDeliveryThreadStarts() {
        final Transport a = open(A);
        final Transport b = open(B);
        a.connect(B);
        network.faults(LinkFaults.NONE.withDrop(0.0).withDuplicate(0.0));

        sendSequence(a, B, MessageType.APPEND_REQUEST, 10);

        assertThat(sequences(pollAll(b))).containsExactlyElementsOf(range(10));
        assertThat(network.isDelivering()).isFalse();
        assertThat(network.delayedFrames()).isZero();
    }

    @Test
    void dropProbabilityOneLosesEveryFrameSilently() {
        final Transport a = open(A);
        final Transport b = open(B);
        a.connect(B);
        network.faults(LinkFaults.NONE.withDrop(1.0));

        final List<SendResult> results = sendSequence(a, B, MessageType.APPEND_REQUEST, 200);

        assertThat(results).containsOnly(SendResult.SENT);
        assertThat(pollAll(b)).isEmpty();
        assertThat(network.droppedFrames()).isEqualTo(200);
    }

    @Test
    void aLinkConnectedAfterTheFaultsWereSetHasThemToo() {
        network.faults(LinkFaults.NONE.withDrop(1.0));
        final Transport a = open(A);
        final Transport b = open(B);
        a.connect(B);

        sendSequence(a, B, MessageType.APPEND_REQUEST, 20);

        assertThat(pollAll(b)).isEmpty();
        assertThat(network.droppedFrames()).isEqualTo(20);
    }

    @Test
    void duplicateProbabilityOneDeliversEveryFrameTwice() {
        final Transport a = open(A);
        final Transport b = open(B);
        a.connect(B);
        network.faults(LinkFaults.NONE.withDuplicate(1.0));

        sendSequence(a, B, MessageType.APPEND_REQUEST, 100);

        final List<Integer> expected = new ArrayList<>();
        for (int seq = 0; seq < 100; seq++) {
            expected.add(seq);
            expected.add(seq);
        }
        assertThat(sequences(pollAll(b))).containsExactlyElementsOf(expected);
        assertThat(network.duplicatedFrames()).isEqualTo(100);
    }

    @Test
    void aTypeRuleLosesOnlyFramesOfThatType() {
        final Transport a = open(A);
        final Transport b = open(B);
        a.connect(B);
        network.faults(LinkFaults.NONE.withTypeDrop(1.0, MessageType.APPEND_RESPONSE));
        final int[] types = {MessageType.APPEND_REQUEST, MessageType.APPEND_RESPONSE, MessageType.HEARTBEAT};

        for (int seq = 0; seq < 90; seq++) {
            a.send(B, frame(types[seq % 3], seq));
        }

        final List<ByteBuffer> received = pollAll(b);
        assertThat(received).hasSize(60)
            .allSatisfy(frame -> assertThat(type(frame)).isNotEqualTo(MessageType.APPEND_RESPONSE));
        assertThat(sequences(received)).containsExactlyElementsOf(
            range(90).stream().filter(seq -> seq % 3 != 1).toList());
        assertThat(network.droppedFrames()).isEqualTo(30);
    }

    @Test
    void latencyHoldsEveryFrameAtLeastTheMinimum() {
        final Transport a = open(A);
        final Transport b = open(B);
        a.connect(B);
        final long minDelayNs = 5 * MS;
        network.faults(LinkFaults.NONE.withDelay(minDelayNs, 10 * MS));

        sendSequence(a, B, MessageType.APPEND_REQUEST, 50);

        final List<Long> heldNs = new ArrayList<>();
        Await.until("50 delayed frames arrive", () -> {
            b.poll(frame -> heldNs.add(System.nanoTime() - frame.getLong(frame.position() + SENT_AT_OFFSET)), 100);
            return heldNs.size() == 50;
        });
        assertThat(heldNs).allSatisfy(held -> assertThat(held).isGreaterThanOrEqualTo(minDelayNs));
        assertThat(network.delayedFrames()).isEqualTo(50);
        assertThat(network.isDelivering()).isTrue();
    }

    @Test
    void reorderLetsLaterFramesOvertakeHeldBackOnes() {
        final Transport a = open(A);
        final Transport b = open(B);
        a.connect(B);
        network.faults(LinkFaults.NONE.withReorder(0.2, 2 * MS));

        sendSequence(a, B, MessageType.APPEND_REQUEST, 1000);

        final List<Integer> received = new ArrayList<>();
        Await.until("1000 frames arrive", () -> {
            received.addAll(sequences(pollAll(b)));
            return received.size() >= 1000;
        });
        assertThat(received).containsExactlyInAnyOrderElementsOf(range(1000));
        assertThat(IntStream.range(1, received.size()).filter(i -> received.get(i) < received.get(i - 1)).count())
            .as("frames that arrived after a later one, in %s", received).isPositive();
        assertThat(network.reorderedFrames()).isPositive().isEqualTo(network.delayedFrames());
    }

    @Test
    void aLinksOwnFaultsOverrideTheDefaultInThatDirectionOnly() {
        final Transport a = open(A);
        final Transport b = open(B);
        final Transport c = open(C);
        a.connect(B);
        a.connect(C);
        b.connect(A);
        network.faults(LinkFaults.NONE.withDrop(1.0));

        network.faults("/mem/a", "/mem/b", LinkFaults.NONE);

        a.send(B, frame(MessageType.HEARTBEAT, 1));
        a.send(C, frame(MessageType.HEARTBEAT, 2));
        b.send(A, frame(MessageType.HEARTBEAT, 3));
        assertThat(sequences(pollAll(b))).containsExactly(1);
        assertThat(pollAll(c)).isEmpty();
        assertThat(pollAll(a)).isEmpty();
    }

    @Test
    void framesToItselfNeverSufferLinkFaults() {
        final Transport a = open(A);
        a.connect(A);
        network.faults(LinkFaults.NONE.withDrop(1.0));

        a.send(A, frame(MessageType.HEARTBEAT, 7));

        assertThat(sequences(pollAll(a))).containsExactly(7);
    }

    @Test
    void aFullLinkPushesBackUntilItsFramesArrive() {
        final Transport a = open(A);
        open(B);
        final Transport c = open(C);
        a.connect(B);
        a.connect(C);
        network.faults("/mem/a", "/mem/b", LinkFaults.NONE.withDelay(HOUR_NS, HOUR_NS).withMaxInFlight(3));
        network.faults("/mem/a", "/mem/c", LinkFaults.NONE.withDelay(MS, MS).withMaxInFlight(1));

        assertThat(sendSequence(a, B, MessageType.APPEND_REQUEST, 4))
            .containsExactly(SendResult.SENT, SendResult.SENT, SendResult.SENT, SendResult.BACK_PRESSURED);
        assertThat(a.send(C, frame(MessageType.APPEND_REQUEST, 0))).isEqualTo(SendResult.SENT);
        Await.until("the frame to c arrives", () -> !pollAll(c).isEmpty());
        assertThat(a.send(C, frame(MessageType.APPEND_REQUEST, 1))).isEqualTo(SendResult.SENT);
        assertThat(a.send(B, frame(MessageType.APPEND_REQUEST, 4))).isEqualTo(SendResult.BACK_PRESSURED);
    }

    @Test
    void aFrameWaitingForAnEndpointThatClosesIsLostAndCounted() {
        final Transport a = open(A);
        final Transport b = open(B);
        a.connect(B);
        network.faults(LinkFaults.NONE.withDelay(500 * MS, 500 * MS));

        a.send(B, frame(MessageType.APPEND_REQUEST, 0));
        b.close();

        Await.until("the waiting frame is dropped", () -> network.droppedFrames() == 1);
        assertThat(network.delayedFrames()).isEqualTo(1);
    }

    @Test
    void aCutMadeWhileAFrameWaitsLosesIt() {
        final Transport a = open(A);
        final Transport b = open(B);
        a.connect(B);
        network.faults(LinkFaults.NONE.withDelay(500 * MS, 500 * MS));

        a.send(B, frame(MessageType.APPEND_REQUEST, 0));
        network.block("/mem/a", "/mem/b");

        Await.until("the waiting frame is dropped", () -> network.droppedFrames() == 1);
        network.heal();
        assertThat(pollAll(b)).isEmpty();
    }

    @Test
    void closeStopsTheDeliveryThreadAndLosesWaitingFrames() {
        final Transport a = open(A);
        final Transport b = open(B);
        a.connect(B);
        network.faults(LinkFaults.NONE.withDelay(HOUR_NS, HOUR_NS));
        sendSequence(a, B, MessageType.APPEND_REQUEST, 3);
        assertThat(network.isDelivering()).isTrue();

        network.close();
        network.close();

        assertThat(network.isDelivering()).isFalse();
        assertThat(network.droppedFrames()).isEqualTo(3);
        assertThat(a.send(B, frame(MessageType.APPEND_REQUEST, 3))).isEqualTo(SendResult.SENT);
        assertThat(network.droppedFrames()).isEqualTo(4);
        network.reset();
        assertThat(a.send(B, frame(MessageType.APPEND_REQUEST, 5))).isEqualTo(SendResult.SENT);
        assertThat(sequences(pollAll(b))).containsExactly(5);
    }

    @Test
    void healRemovesCutsButKeepsLinkFaultsWhileResetRemovesBoth() {
        final Transport a = open(A);
        final Transport b = open(B);
        a.connect(B);
        network.faults(LinkFaults.NONE.withDrop(1.0));
        network.isolate("/mem/b");

        network.heal();
        a.send(B, frame(MessageType.HEARTBEAT, 0));
        assertThat(pollAll(b)).isEmpty();

        network.isolate("/mem/b");
        network.reset();
        a.send(B, frame(MessageType.HEARTBEAT, 1));
        assertThat(sequences(pollAll(b))).containsExactly(1);
    }

    @Test
    void oneSenderMeetsTheSameFatesUnderTheSameSeed() {
        final LinkFaults lossy = LinkFaults.NONE.withDrop(0.3).withDuplicate(0.3);

        final List<Integer> first = receivedThrough(42, lossy);

        assertThat(receivedThrough(42, lossy)).isEqualTo(first);
        assertThat(receivedThrough(43, lossy)).isNotEqualTo(first);
        assertThat(first).hasSizeBetween(1, 2 * 300 - 1);
    }

    @Test
    void faultsOfALinkNeedMemoryAddresses() {
        assertThatThrownBy(() -> network.faults("/ip4/127.0.0.1/udp/9490", "/mem/b", LinkFaults.NONE))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("expected protocol 'mem', actual 'udp'");
        assertThatThrownBy(() -> LinkFaults.NONE.withMaxInFlight(-1))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("-1");
    }

    private List<Integer> receivedThrough(long seed, LinkFaults faults) {
        try (InMemoryNetwork seeded = new InMemoryNetwork(InMemoryNetwork.DEFAULT_INBOX_CAPACITY, seed)) {
            final Transport a = track(seeded.open(context(A)));
            final Transport b = track(seeded.open(context(B)));
            a.connect(B);
            seeded.faults(faults);
            sendSequence(a, B, MessageType.APPEND_REQUEST, 300);
            final List<Integer> received = sequences(pollAll(b));
            a.close();
            b.close();
            return received;
        }
    }

    private Transport open(NodeAddress address) {
        return track(network.open(context(address)));
    }

    private Transport track(Transport transport) {
        opened.add(transport);
        return transport;
    }

    private static TransportContext context(NodeAddress address) {
        return QuietContexts.of(address);
    }

    private static List<SendResult> sendSequence(Transport from, NodeAddress to, int type, int count) {
        final List<SendResult> results = new ArrayList<>();
        for (int seq = 0; seq < count; seq++) {
            results.add(from.send(to, frame(type, seq)));
        }
        return results;
    }

    /** A frame with the type byte where a Skiff frame has it, a sequence number and the time it was sent. */
    private static ByteBuffer frame(int type, int seq) {
        final ByteBuffer frame = ByteBuffer.allocate(FRAME_LENGTH);
        frame.put(FrameHeader.TYPE_OFFSET, (byte)type);
        frame.putInt(SEQUENCE_OFFSET, seq);
        frame.putLong(SENT_AT_OFFSET, System.nanoTime());
        return frame;
    }

    private static int type(ByteBuffer frame) {
        return frame.get(frame.position() + FrameHeader.TYPE_OFFSET);
    }

    private static List<ByteBuffer> pollAll(Transport transport) {
        final List<ByteBuffer> frames = new ArrayList<>();
        transport.poll(frame -> {
            final ByteBuffer copy = ByteBuffer.allocate(frame.remaining());
            copy.put(frame.duplicate()).flip();
            frames.add(copy);
        }, Integer.MAX_VALUE);
        return frames;
    }

    private static List<Integer> sequences(List<ByteBuffer> frames) {
        return frames.stream().map(frame -> frame.getInt(frame.position() + SEQUENCE_OFFSET)).toList();
    }

    private static List<Integer> range(int count) {
        return IntStream.range(0, count).boxed().toList();
    }
}
