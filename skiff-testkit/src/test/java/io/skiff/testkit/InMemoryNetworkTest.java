package io.skiff.testkit;

import io.skiff.NodeAddress;
import io.skiff.SkiffOptions;
import io.skiff.spi.FrameHandler;
import io.skiff.spi.Providers;
import io.skiff.spi.SendResult;
import io.skiff.spi.Transport;
import io.skiff.spi.TransportContext;
import io.skiff.spi.TransportListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InMemoryNetworkTest {
    private static final NodeAddress A = NodeAddress.parse("/mem/a");
    private static final NodeAddress B = NodeAddress.parse("/mem/b");
    private static final NodeAddress C = NodeAddress.parse("/mem/c");

    private final InMemoryNetwork network = new InMemoryNetwork();
    private final List<Transport> opened = new ArrayList<>();

    @AfterEach
    void closeOpened() {
        opened.forEach(Transport::close);
    }

    @Test
    void sendThenPollDeliversTheFrameWhole() {
        final Transport a = open(A);
        final Transport b = open(B);
        a.connect(B);

        assertThat(a.send(B, bytes("hello"))).isEqualTo(SendResult.SENT);

        assertThat(pollAll(b)).containsExactly("hello");
        assertThat(b.poll(frame -> { }, 10)).isEqualTo(0);
    }

    @Test
    void sendCopiesTheFrameBetweenPositionAndLimitAndLeavesBothAsTheyWere() {
        final Transport a = open(A);
        final Transport b = open(B);
        a.connect(B);
        final ByteBuffer heap = ByteBuffer.wrap("xxabcyy".getBytes(StandardCharsets.UTF_8)).position(2).limit(5);
        final ByteBuffer direct = ByteBuffer.allocateDirect(16).put(bytes("..direct")).flip().position(2);

        a.send(B, heap);
        a.send(B, direct);
        heap.put(2, (byte)'z');

        assertThat(heap.position()).isEqualTo(2);
        assertThat(heap.limit()).isEqualTo(5);
        assertThat(direct.position()).isEqualTo(2);
        assertThat(direct.limit()).isEqualTo(8);
        assertThat(pollAll(b)).containsExactly("abc", "direct");
    }

    @Test
    void emptyFrameIsDelivered() {
        final Transport a = open(A);
        final Transport b = open(B);
        a.connect(B);

        assertThat(a.send(B, ByteBuffer.allocate(0))).isEqualTo(SendResult.SENT);

        assertThat(pollAll(b)).containsExactly("");
    }

    @Test
    void pollDeliversAtMostTheLimitThroughOneReusedView() {
        final Transport a = open(A);
        final Transport b = open(B);
        a.connect(B);
        for (int i = 0; i < 5; i++) {
            a.send(B, bytes("frame-" + i));
        }
        final Set<ByteBuffer> views = Collections.newSetFromMap(new IdentityHashMap<>());
        final List<String> received = new ArrayList<>();
        final FrameHandler handler = frame -> {
            views.add(frame);
            received.add(StandardCharsets.UTF_8.decode(frame).toString());
        };

        assertThat(b.poll(handler, 2)).isEqualTo(2);
        assertThat(b.poll(handler, 10)).isEqualTo(3);
        assertThat(b.poll(handler, 10)).isEqualTo(0);

        assertThat(received).containsExactly("frame-0", "frame-1", "frame-2", "frame-3", "frame-4");
        assertThat(views).hasSize(1);
    }

    @Test
    void sendToAPeerNotConnectedReturnsNotConnected() {
        final Transport a = open(A);
        final Transport b = open(B);

        assertThat(a.send(B, bytes("x"))).isEqualTo(SendResult.NOT_CONNECTED);
        assertThat(pollAll(b)).isEmpty();
    }

    @Test
    void sendToAConnectedPeerThatIsNotOpenReturnsNotConnectedUntilItOpens() {
        final Transport a = open(A);
        a.connect(B);

        assertThat(a.send(B, bytes("early"))).isEqualTo(SendResult.NOT_CONNECTED);

        final Transport b = open(B);
        assertThat(a.send(B, bytes("later"))).isEqualTo(SendResult.SENT);
        assertThat(pollAll(b)).containsExactly("later");
    }

    @Test
    void sendAfterDisconnectReturnsNotConnected() {
        final Transport a = open(A);
        open(B);
        a.connect(B);

        a.disconnect(B);

        assertThat(a.send(B, bytes("x"))).isEqualTo(SendResult.NOT_CONNECTED);
    }

    @Test
    void sendToAPeerThatClosedReturnsNotConnected() {
        final Transport a = open(A);
        final Transport b = open(B);
        a.connect(B);

        b.close();

        assertThat(a.send(B, bytes("x"))).isEqualTo(SendResult.NOT_CONNECTED);
    }

    @Test
    void closedTransportReturnsClosedAndPollsNothing() {
        final Transport a = open(A);
        final Transport b = open(B);
        a.connect(B);
        b.connect(A);
        b.send(A, bytes("unread"));

        a.close();
        a.close();

        assertThat(a.send(B, bytes("x"))).isEqualTo(SendResult.CLOSED);
        assertThat(a.poll(frame -> { }, 10)).isEqualTo(0);
    }

    @Test
    void frameLongerThanMaxFrameLengthIsRejectedNamingBothLengths() {
        final Transport a = open(A);
        open(B);
        a.connect(B);
        final int tooLong = a.maxFrameLength() + 1;

        assertThatThrownBy(() -> a.send(B, ByteBuffer.allocate(tooLong)))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining(String.valueOf(a.maxFrameLength()))
            .hasMessageContaining(String.valueOf(tooLong));
        assertThat(a.send(B, ByteBuffer.allocate(a.maxFrameLength()))).isEqualTo(SendResult.SENT);
    }

    @Test
    void maxFrameLengthIsAnEighthOfTheInboxCapacity() {
        assertThat(open(A).maxFrameLength()).isEqualTo(InMemoryNetwork.DEFAULT_INBOX_CAPACITY / 8);

        final InMemoryNetwork small = new InMemoryNetwork(64 * 1024);
        final Transport transport = track(small.open(context(A, new RecordingListener())));
        assertThat(transport.maxFrameLength()).isEqualTo(8 * 1024);
        assertThat(small.inboxCapacity()).isEqualTo(64 * 1024);
    }

    @Test
    void inboxCapacityMustBeAPowerOfTwoOfAtLeastTheMinimum() {
        assertThatThrownBy(() -> new InMemoryNetwork(3000))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3000");
        assertThatThrownBy(() -> new InMemoryNetwork(512))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("512");
    }

    @Test
    void openRejectsAddressesOfOtherProtocols() {
        final NodeAddress udp = NodeAddress.parse("/ip4/127.0.0.1/udp/9490");

        assertThatThrownBy(() -> network.open(context(udp, new RecordingListener())))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("expected protocol 'mem', actual 'udp'");
    }

    @Test
    void openRejectsAnAddressThatIsStillOpenAndAcceptsItAfterClose() {
        final Transport a = open(A);

        assertThatThrownBy(() -> open(A))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("/mem/a")
            .hasMessageContaining("already open");

        a.close();
        assertThat(open(A)).isNotNull();
    }

    @Test
    void partitionDropsFramesBetweenGroupsSilentlyAndCountsThem() {
        final Transport a = open(A);
        final Transport b = open(B);
        final Transport c = open(C);
        connectAll(a, b, c);

        network.partition(List.of("/mem/a"), List.of("/mem/b", "/mem/c"));

        assertThat(a.send(B, bytes("a>b"))).isEqualTo(SendResult.SENT);
        assertThat(c.send(A, bytes("c>a"))).isEqualTo(SendResult.SENT);
        assertThat(b.send(C, bytes("b>c"))).isEqualTo(SendResult.SENT);
        assertThat(pollAll(a)).isEmpty();
        assertThat(pollAll(b)).isEmpty();
        assertThat(pollAll(c)).containsExactly("b>c");
        assertThat(network.droppedFrames()).isEqualTo(2);
    }

    @Test
    void anAddressInNoGroupOfAPartitionIsCutOffFromAll() {
        final Transport a = open(A);
        final Transport b = open(B);
        final Transport c = open(C);
        connectAll(a, b, c);

        network.partition(List.of("/mem/a", "/mem/b"));

        c.send(A, bytes("c>a"));
        a.send(C, bytes("a>c"));
        a.send(B, bytes("a>b"));
        assertThat(pollAll(a)).isEmpty();
        assertThat(pollAll(c)).isEmpty();
        assertThat(pollAll(b)).containsExactly("a>b");
    }

    @Test
    void partitionRejectsAnAddressInTwoGroups() {
        assertThatThrownBy(() -> network.partition(List.of("/mem/a", "/mem/b"), List.of("/mem/b")))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("/mem/b");
    }

    @Test
    void aLaterPartitionReplacesTheEarlierOne() {
        final Transport a = open(A);
        final Transport b = open(B);
        connectAll(a, b);
        network.partition(List.of("/mem/a"), List.of("/mem/b"));

        network.partition(List.of("/mem/a", "/mem/b"));

        a.send(B, bytes("a>b"));
        assertThat(pollAll(b)).containsExactly("a>b");
    }

    @Test
    void isolateCutsANodeOffBothWays() {
        final Transport a = open(A);
        final Transport b = open(B);
        final Transport c = open(C);
        connectAll(a, b, c);

        network.isolate("/mem/a");

        a.send(B, bytes("a>b"));
        b.send(A, bytes("b>a"));
        b.send(C, bytes("b>c"));
        assertThat(pollAll(a)).isEmpty();
        assertThat(pollAll(b)).isEmpty();
        assertThat(pollAll(c)).containsExactly("b>c");
    }

    @Test
    void blockCutsOneDirectionOnly() {
        final Transport a = open(A);
        final Transport b = open(B);
        connectAll(a, b);

        network.block("/mem/a", "/mem/b");

        a.send(B, bytes("a>b"));
        b.send(A, bytes("b>a"));
        assertThat(pollAll(b)).isEmpty();
        assertThat(pollAll(a)).containsExactly("b>a");
        assertThat(network.droppedFrames()).isEqualTo(1);
    }

    @Test
    void healRemovesEveryCut() {
        final Transport a = open(A);
        final Transport b = open(B);
        final Transport c = open(C);
        connectAll(a, b, c);
        network.partition(List.of("/mem/a"), List.of("/mem/b", "/mem/c"));
        network.isolate("/mem/b");
        network.block("/mem/c", "/mem/a");

        network.heal();

        a.send(B, bytes("a>b"));
        b.send(C, bytes("b>c"));
        c.send(A, bytes("c>a"));
        assertThat(pollAll(b)).containsExactly("a>b");
        assertThat(pollAll(c)).containsExactly("b>c");
        assertThat(pollAll(a)).containsExactly("c>a");
    }

    @Test
    void fullInboxPushesBackUntilPolled() {
        final InMemoryNetwork small = new InMemoryNetwork(InMemoryNetwork.MIN_INBOX_CAPACITY);
        final Transport a = track(small.open(context(A, new RecordingListener())));
        final Transport b = track(small.open(context(B, new RecordingListener())));
        a.connect(B);
        final ByteBuffer frame = ByteBuffer.allocate(100);

        int sent = 0;
        while (a.send(B, frame) == SendResult.SENT) {
            sent++;
        }

        assertThat(sent).isPositive();
        assertThat(a.send(B, frame)).isEqualTo(SendResult.BACK_PRESSURED);
        assertThat(b.poll(f -> { }, Integer.MAX_VALUE)).isEqualTo(sent);
        assertThat(a.send(B, frame)).isEqualTo(SendResult.SENT);
    }

    @Test
    void connectReportsAnOpenPeerOnceHoweverOftenItIsCalled() {
        final RecordingListener listener = new RecordingListener();
        final Transport a = open(A, listener);
        open(B);

        a.connect(B);
        a.connect(B);

        assertThat(listener.events()).containsExactly("connected /mem/b");
    }

    @Test
    void connectBeforeThePeerOpensReportsItWhenItOpens() {
        final RecordingListener listener = new RecordingListener();
        final Transport a = open(A, listener);
        a.connect(B);
        assertThat(listener.events()).isEmpty();

        open(B);

        assertThat(listener.events()).containsExactly("connected /mem/b");
    }

    @Test
    void peerClosingAndReopeningIsReportedOnceEach() {
        final RecordingListener listener = new RecordingListener();
        final Transport a = open(A, listener);
        final Transport b = open(B);
        a.connect(B);

        b.close();
        b.close();
        open(B);

        assertThat(listener.events()).containsExactly("connected /mem/b", "disconnected /mem/b", "connected /mem/b");
    }

    @Test
    void disconnectIsReportedOnce() {
        final RecordingListener listener = new RecordingListener();
        final Transport a = open(A, listener);
        open(B);
        a.connect(B);

        a.disconnect(B);
        a.disconnect(B);

        assertThat(listener.events()).containsExactly("connected /mem/b", "disconnected /mem/b");
    }

    @Test
    void partitionAndHealAreReportedOnceEachWhateverCutsOverlap() {
        final RecordingListener aListener = new RecordingListener();
        final RecordingListener bListener = new RecordingListener();
        final Transport a = open(A, aListener);
        final Transport b = open(B, bListener);
        connectAll(a, b);

        network.partition(List.of("/mem/a"), List.of("/mem/b"));
        network.isolate("/mem/a");
        network.partition(List.of("/mem/a"), List.of("/mem/b"));
        network.heal();
        network.heal();

        assertThat(aListener.events()).containsExactly("connected /mem/b", "disconnected /mem/b", "connected /mem/b");
        assertThat(bListener.events()).containsExactly("connected /mem/a", "disconnected /mem/a", "connected /mem/a");
    }

    @Test
    void blockIsReportedOnlyToTheSenderThatCannotReach() {
        final RecordingListener aListener = new RecordingListener();
        final RecordingListener bListener = new RecordingListener();
        final Transport a = open(A, aListener);
        final Transport b = open(B, bListener);
        connectAll(a, b);

        network.block("/mem/a", "/mem/b");

        assertThat(aListener.events()).containsExactly("connected /mem/b", "disconnected /mem/b");
        assertThat(bListener.events()).containsExactly("connected /mem/a");
    }

    @Test
    void connectingAcrossACutReportsNothingUntilHealed() {
        final RecordingListener listener = new RecordingListener();
        final Transport a = open(A, listener);
        open(B);
        network.isolate("/mem/b");

        a.connect(B);
        assertThat(listener.events()).isEmpty();

        network.heal();
        assertThat(listener.events()).containsExactly("connected /mem/b");
    }

    @Test
    void closingATransportReportsNothingToItsOwnListener() {
        final RecordingListener listener = new RecordingListener();
        final Transport a = open(A, listener);
        open(B);
        a.connect(B);

        a.close();
        network.isolate("/mem/b");

        assertThat(listener.events()).containsExactly("connected /mem/b");
    }

    @Test
    void concurrentSendersLoseAndCorruptNoFrame() throws InterruptedException {
        final int senders = 4;
        final int framesPerSender = 20_000;
        final InMemoryNetwork small = new InMemoryNetwork(64 * 1024);
        final Transport receiver = track(small.open(context(A, new RecordingListener())));
        final List<Transport> transports = new ArrayList<>();
        for (int s = 0; s < senders; s++) {
            final Transport sender = track(small.open(context(NodeAddress.parse("/mem/s" + s),
                new RecordingListener())));
            sender.connect(A);
            transports.add(sender);
        }
        final CountDownLatch start = new CountDownLatch(1);
        final AtomicReference<Throwable> senderFailure = new AtomicReference<>();
        final AtomicBoolean stop = new AtomicBoolean();
        final List<Thread> threads = new ArrayList<>();
        for (int s = 0; s < senders; s++) {
            final int senderId = s;
            final Transport sender = transports.get(s);
            final Thread thread = new Thread(() -> {
                try {
                    start.await();
                    final ByteBuffer frame = ByteBuffer.allocate(8 + 255);
                    for (int seq = 0; seq < framesPerSender && !stop.get(); seq++) {
                        fillFrame(frame, senderId, seq);
                        while (sender.send(A, frame) == SendResult.BACK_PRESSURED && !stop.get()) {
                            Thread.yield();
                        }
                    }
                } catch (Throwable t) {
                    senderFailure.compareAndSet(null, t);
                }
            }, "sender-" + s);
            thread.setDaemon(true);
            thread.start();
            threads.add(thread);
        }

        final int[] nextSeq = new int[senders];
        final List<String> problems = new ArrayList<>();
        final FrameHandler check = frame -> {
            final int senderId = frame.getInt(frame.position());
            final int seq = frame.getInt(frame.position() + 4);
            if (senderId < 0 || senderId >= senders) {
                problems.add("unknown sender " + senderId);
                return;
            }
            if (seq != nextSeq[senderId]) {
                problems.add("sender " + senderId + ": expected frame " + nextSeq[senderId] + ", actual " + seq);
            }
            nextSeq[senderId] = seq + 1;
            if (frame.remaining() != 8 + payloadLength(seq)) {
                problems.add("sender " + senderId + " frame " + seq + ": expected " + (8 + payloadLength(seq))
                    + " bytes, actual " + frame.remaining());
                return;
            }
            for (int i = 0; i < payloadLength(seq); i++) {
                if (frame.get(frame.position() + 8 + i) != (byte)(seq + i)) {
                    problems.add("sender " + senderId + " frame " + seq + ": payload corrupt at byte " + i);
                    return;
                }
            }
        };
        start.countDown();
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int received = 0;
        while (received < senders * framesPerSender && System.nanoTime() < deadlineNs && problems.isEmpty()) {
            final int polled = receiver.poll(check, 256);
            received += polled;
            if (0 == polled) {
                Thread.yield();
            }
        }
        stop.set(true);
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        }

        assertThat(senderFailure.get()).isNull();
        assertThat(problems).isEmpty();
        assertThat(received).isEqualTo(senders * framesPerSender);
        assertThat(nextSeq).containsOnly(framesPerSender);
    }

    @Test
    void serviceLoaderFindsTheDefaultNetworkForProtocolMem() {
        final NodeAddress address = NodeAddress.parse("/mem/default-network-test");
        final var provider = Providers.transport("mem");
        assertThat(provider).isInstanceOf(DefaultMemoryNetworkProvider.class);
        assertThat(provider.protocol()).isEqualTo(InMemoryNetwork.PROTOCOL);

        final Transport transport = track(provider.open(context(address, new RecordingListener())));

        assertThatThrownBy(() -> InMemoryNetwork.defaultNetwork().open(context(address, new RecordingListener())))
            .isInstanceOf(IllegalStateException.class);
        transport.close();
        track(InMemoryNetwork.defaultNetwork().open(context(address, new RecordingListener()))).close();
    }

    private static int payloadLength(int seq) {
        return seq % 256;
    }

    private static void fillFrame(ByteBuffer frame, int senderId, int seq) {
        frame.clear();
        frame.putInt(senderId).putInt(seq);
        for (int i = 0; i < payloadLength(seq); i++) {
            frame.put((byte)(seq + i));
        }
        frame.flip();
    }

    private Transport open(NodeAddress address) {
        return open(address, new RecordingListener());
    }

    private Transport open(NodeAddress address, TransportListener listener) {
        return track(network.open(context(address, listener)));
    }

    private Transport track(Transport transport) {
        opened.add(transport);
        return transport;
    }

    private static void connectAll(Transport... transports) {
        for (Transport from : transports) {
            for (Transport to : transports) {
                if (from != to) {
                    from.connect(((MemoryTransport)to).address());
                }
            }
        }
    }

    private static TransportContext context(NodeAddress address, TransportListener listener) {
        return new TransportContext(address, SkiffOptions.defaults(), listener);
    }

    private static ByteBuffer bytes(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> pollAll(Transport transport) {
        final List<String> frames = new ArrayList<>();
        transport.poll(frame -> frames.add(StandardCharsets.UTF_8.decode(frame).toString()), Integer.MAX_VALUE);
        return frames;
    }

    /** Records connection events in the order heard, from any thread. */
    private static final class RecordingListener implements TransportListener {
        private final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public void onConnected(NodeAddress peer) {
            events.add("connected " + peer);
        }

        @Override
        public void onDisconnected(NodeAddress peer) {
            events.add("disconnected " + peer);
        }

        @Override
        public void onWarning(String message, Throwable cause) {
            events.add("warning " + message);
        }

        List<String> events() {
            return List.copyOf(events);
        }
    }
}
