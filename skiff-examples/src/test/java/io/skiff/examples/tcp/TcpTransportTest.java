package io.skiff.examples.tcp;

import io.skiff.NodeAddress;
import io.skiff.SkiffException;
import io.skiff.spi.FrameHandler;
import io.skiff.spi.Providers;
import io.skiff.spi.SendResult;
import io.skiff.spi.TransportProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.skiff.examples.tcp.Loopback.freeAddress;
import static io.skiff.examples.tcp.Loopback.open;
import static io.skiff.examples.tcp.Loopback.openOnFreePort;
import static io.skiff.examples.tcp.Loopback.pollUntil;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The transport on its own: the same behaviours the Aeron transport's tests check, over loopback TCP. */
class TcpTransportTest {
    private final List<TcpTransport> opened = new ArrayList<>();
    private final List<Socket> rawSockets = new ArrayList<>();
    private final Random random = new Random(42);

    @AfterEach
    void closeEverything() throws IOException {
        opened.forEach(TcpTransport::close);
        for (Socket socket : rawSockets) {
            socket.close();
        }
    }

    @Test
    void framesOfEverySizeRoundTripByteForByte() {
        final TcpTransport a = track(openOnFreePort(new RecordingListener()));
        final TcpTransport b = track(openOnFreePort(new RecordingListener()));
        connectBothWays(a, b);
        final List<byte[]> sent = List.of(new byte[0], bytes(1), bytes(100), bytes(1500), bytes(65_536),
            bytes(a.maxFrameLength()));
        final List<byte[]> received = new ArrayList<>();

        for (byte[] frame : sent) {
            sendUntilSent(a, b, frame, copyInto(received));
        }
        pollUntil(() -> received.size() == sent.size(), "every frame arrived", copyInto(received), a, b);

        assertThat(received).containsExactlyElementsOf(sent);
        assertThat(b.counters().get(TcpCounters.FRAMES_RECEIVED)).isEqualTo(sent.size());
        assertThat(b.counters().get(TcpCounters.BYTES_RECEIVED)).isEqualTo(sent.stream().mapToLong(f -> f.length)
            .sum());
        assertThat(a.counters().get(TcpCounters.FRAMES_SENT)).isEqualTo(sent.size());
    }

    @Test
    void framesTravelBothWaysBetweenTransports() {
        final TcpTransport a = track(openOnFreePort(new RecordingListener()));
        final TcpTransport b = track(openOnFreePort(new RecordingListener()));
        connectBothWays(a, b);
        final byte[] ping = bytes(100);
        final byte[] pong = bytes(200);
        final List<byte[]> atA = new ArrayList<>();
        final List<byte[]> atB = new ArrayList<>();

        assertThat(a.send(b.localAddress(), ByteBuffer.wrap(ping))).isEqualTo(SendResult.SENT);
        pollUntil(() -> atB.size() == 1, "the ping arrived", copyInto(atB), b);
        assertThat(b.send(a.localAddress(), ByteBuffer.wrap(pong))).isEqualTo(SendResult.SENT);
        pollUntil(() -> atA.size() == 1, "the pong arrived", copyInto(atA), a);

        assertThat(atB.get(0)).isEqualTo(ping);
        assertThat(atA.get(0)).isEqualTo(pong);
    }

    @Test
    void sendingLeavesTheFramesPositionAndLimitAlone() {
        final TcpTransport a = track(openOnFreePort(new RecordingListener()));
        final TcpTransport b = track(openOnFreePort(new RecordingListener()));
        connectBothWays(a, b);
        final ByteBuffer frame = ByteBuffer.allocateDirect(64);
        frame.position(8).limit(40);

        assertThat(a.send(b.localAddress(), frame)).isEqualTo(SendResult.SENT);

        assertThat(frame.position()).isEqualTo(8);
        assertThat(frame.limit()).isEqualTo(40);
    }

    @Test
    void framesHandedToTheHandlerAreReadOnlyViews() {
        final TcpTransport a = track(openOnFreePort(new RecordingListener()));
        final TcpTransport b = track(openOnFreePort(new RecordingListener()));
        connectBothWays(a, b);
        final List<Boolean> readOnly = new ArrayList<>();

        a.send(b.localAddress(), ByteBuffer.wrap(bytes(100)));
        a.send(b.localAddress(), ByteBuffer.wrap(bytes(10_000)));
        pollUntil(() -> readOnly.size() == 2, "both frames arrived", frame -> readOnly.add(frame.isReadOnly()), b);

        assertThat(readOnly).containsExactly(true, true);
    }

    @Test
    void aPollDeliversNoMoreFramesThanItsLimitAndKeepsTheRestInOrder() {
        final TcpTransport a = track(openOnFreePort(new RecordingListener()));
        final TcpTransport b = track(openOnFreePort(new RecordingListener()));
        connectBothWays(a, b);
        final List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            sent.add(bytes(50));
            a.send(b.localAddress(), ByteBuffer.wrap(sent.get(i)));
        }
        final List<byte[]> received = new ArrayList<>();
        final List<Integer> perPoll = new ArrayList<>();

        final long deadlineNs = System.nanoTime() + Loopback.TIMEOUT.toNanos();
        while (received.size() < sent.size() && System.nanoTime() - deadlineNs < 0) {
            perPoll.add(b.poll(copyInto(received), 3));
        }

        assertThat(received).containsExactlyElementsOf(sent);
        assertThat(perPoll).allSatisfy(count -> assertThat(count).isBetween(0, 3));
    }

    @Test
    void sendToAPeerNeverConnectedReturnsNotConnected() {
        final TcpTransport a = track(openOnFreePort(new RecordingListener()));

        assertThat(a.send(freeAddress(), ByteBuffer.wrap(bytes(10)))).isEqualTo(SendResult.NOT_CONNECTED);
        assertThat(a.counters().get(TcpCounters.SEND_NOT_CONNECTED)).isEqualTo(1);
    }

    @Test
    void aPeerThatNobodyListensOnIsDialledAgainAndStaysNotConnected() {
        final RecordingListener events = new RecordingListener();
        final TcpTransport a = track(openOnFreePort(events));
        final NodeAddress nobody = freeAddress();

        a.connect(nobody);
        pollUntil(() -> a.counters().get(TcpCounters.CONNECT_FAILURES) >= 3, "three refused attempts", a);

        assertThat(a.send(nobody, ByteBuffer.wrap(bytes(10)))).isEqualTo(SendResult.NOT_CONNECTED);
        assertThat(events.events()).isEmpty();
    }

    @Test
    void disconnectAndReconnectAreReportedOnceEachWhenAPeerRestartsOnItsAddress() {
        final RecordingListener events = new RecordingListener();
        final TcpTransport a = track(openOnFreePort(events));
        final TcpTransport b = track(openOnFreePort(new RecordingListener()));
        final NodeAddress bAddress = b.localAddress();
        a.connect(bAddress);
        pollUntil(() -> a.isConnected(bAddress), "a connected to b", a, b);

        b.close();
        pollUntil(() -> !a.isConnected(bAddress), "a saw b go", a);
        final TcpTransport restarted = track(open(bAddress, new RecordingListener()));
        pollUntil(() -> a.isConnected(bAddress), "a reconnected to the restarted b", a, restarted);
        final byte[] frame = bytes(300);
        final List<byte[]> received = new ArrayList<>();
        assertThat(a.send(bAddress, ByteBuffer.wrap(frame))).isEqualTo(SendResult.SENT);
        pollUntil(() -> received.size() == 1, "the restarted b received a frame", copyInto(received), restarted);

        assertThat(events.events()).containsExactly(
            "connected " + bAddress, "disconnected " + bAddress, "connected " + bAddress);
        assertThat(received.get(0)).isEqualTo(frame);
        assertThat(a.counters().get(TcpCounters.CONNECTS)).isEqualTo(2);
        assertThat(a.counters().get(TcpCounters.DISCONNECTS)).isEqualTo(1);
    }

    @Test
    void disconnectReportsTheDisconnectionAndLaterSendsAreNotConnected() {
        final RecordingListener events = new RecordingListener();
        final TcpTransport a = track(openOnFreePort(events));
        final TcpTransport b = track(openOnFreePort(new RecordingListener()));
        a.connect(b.localAddress());
        pollUntil(() -> a.isConnected(b.localAddress()), "a connected to b", a, b);

        a.disconnect(b.localAddress());
        a.disconnect(b.localAddress());

        assertThat(events.events()).containsExactly(
            "connected " + b.localAddress(), "disconnected " + b.localAddress());
        assertThat(a.send(b.localAddress(), ByteBuffer.wrap(bytes(10)))).isEqualTo(SendResult.NOT_CONNECTED);
    }

    @Test
    void floodingAPeerThatDoesNotReadIsBackPressuredThenDroppedAfterTheStallTimeoutAndDialledAgain() {
        final TcpTransportOptions options = TcpTransportOptions.defaults().withMaxFrameLength(16 * 1024)
            .withSendBufferBytes(64 * 1024).withStallTimeout(Duration.ofMillis(300));
        final RecordingListener events = new RecordingListener();
        final TcpTransport a = track(openOnFreePort(options, events));
        // b never polls: the kernel completes a's connection from its backlog, but nobody reads it.
        final TcpTransport b = track(openOnFreePort(new RecordingListener()));
        a.connect(b.localAddress());
        pollUntil(() -> a.isConnected(b.localAddress()), "a connected to b", a);
        final ByteBuffer frame = ByteBuffer.wrap(bytes(8 * 1024));

        SendResult result = SendResult.SENT;
        for (int i = 0; i < 100_000 && result == SendResult.SENT; i++) {
            result = a.send(b.localAddress(), frame);
        }
        assertThat(result).isEqualTo(SendResult.BACK_PRESSURED);
        pollUntil(() -> events.events().size() >= 3, "a dropped the stalled connection and dialled again", a);

        assertThat(a.counters().get(TcpCounters.SEND_BACK_PRESSURED)).isEqualTo(1);
        assertThat(events.events()).containsExactly("connected " + b.localAddress(),
            "disconnected " + b.localAddress(), "connected " + b.localAddress());
    }

    @Test
    void garbageFramesAreDeliveredUninterpreted() {
        final TcpTransport a = track(openOnFreePort(new RecordingListener()));
        final TcpTransport b = track(openOnFreePort(new RecordingListener()));
        connectBothWays(a, b);
        final List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            sent.add(bytes(random.nextInt(4000)));
        }
        final List<byte[]> received = new ArrayList<>();

        for (byte[] frame : sent) {
            sendUntilSent(a, b, frame, copyInto(received));
        }
        pollUntil(() -> received.size() == sent.size(), "every frame arrived", copyInto(received), a, b);

        assertThat(received).containsExactlyElementsOf(sent);
    }

    @Test
    void aStreamWithoutThePreambleIsClosedWithAWarningAndOthersCarryOn() throws IOException {
        final RecordingListener bEvents = new RecordingListener();
        final TcpTransport a = track(openOnFreePort(new RecordingListener()));
        final TcpTransport b = track(openOnFreePort(bEvents));
        connectBothWays(a, b);
        final Socket stranger = rawConnect(b.localAddress());

        stranger.getOutputStream().write("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        pollUntil(() -> b.counters().get(TcpCounters.STREAMS_REJECTED) == 1, "b rejected the stream", b);
        final List<byte[]> received = new ArrayList<>();
        a.send(b.localAddress(), ByteBuffer.wrap(bytes(10)));
        pollUntil(() -> received.size() == 1, "a's frame still arrived", copyInto(received), b);

        assertThat(bEvents.warnings()).singleElement().asString()
            .contains("does not start with the Skiff tcp preamble");
        assertThat(closedByTheOtherEnd(stranger)).as("the stranger's connection was closed").isTrue();
    }

    @Test
    void aFrameLengthOutOfRangeClosesTheStreamAfterTheGoodFramesBeforeIt() throws IOException {
        final RecordingListener events = new RecordingListener();
        final TcpTransport b = track(openOnFreePort(events));
        final Socket peer = rawConnect(b.localAddress());
        final Socket second = rawConnect(b.localAddress());
        final List<byte[]> received = new ArrayList<>();

        peer.getOutputStream().write(stream(new byte[]{1, 2, 3}, -5));
        second.getOutputStream().write(stream(b.maxFrameLength() + 1));
        pollUntil(() -> b.counters().get(TcpCounters.STREAMS_REJECTED) == 2, "both streams rejected",
            copyInto(received), b);

        assertThat(received).singleElement().isEqualTo(new byte[]{1, 2, 3});
        assertThat(events.warnings()).hasSize(2)
            .anySatisfy(w -> assertThat(w).contains("a frame length of -5 bytes, expected 0 to " + b.maxFrameLength()))
            .anySatisfy(w -> assertThat(w).contains("a frame length of " + (b.maxFrameLength() + 1) + " bytes"));
    }

    @Test
    void theQuietestIncomingConnectionMakesRoomWhenThereAreTooMany() throws IOException {
        final TcpTransportOptions options = new TcpTransportOptions(TcpTransportOptions.DEFAULT_MAX_FRAME_LENGTH,
            TcpTransportOptions.DEFAULT_SEND_BUFFER_BYTES, TcpTransportOptions.DEFAULT_RECONNECT_MIN,
            TcpTransportOptions.DEFAULT_RECONNECT_MAX, TcpTransportOptions.DEFAULT_STALL_TIMEOUT, 2);
        final RecordingListener events = new RecordingListener();
        final TcpTransport b = track(openOnFreePort(options, events));
        final Socket first = rawConnect(b.localAddress());
        pollUntil(() -> b.counters().get(TcpCounters.INBOUND_ACCEPTED) == 1, "the first accepted", b);
        final Socket second = rawConnect(b.localAddress());
        pollUntil(() -> b.counters().get(TcpCounters.INBOUND_ACCEPTED) == 2, "the second accepted", b);
        // The first, although older, speaks last; so the second is the quietest.
        first.getOutputStream().write(stream(new byte[0]));
        pollUntil(() -> b.counters().get(TcpCounters.FRAMES_RECEIVED) == 1, "the first spoke", b);

        rawConnect(b.localAddress());
        pollUntil(() -> b.counters().get(TcpCounters.INBOUND_ACCEPTED) == 3, "the third accepted", b);

        assertThat(events.warnings()).singleElement().asString().contains("closing the quietest");
        assertThat(closedByTheOtherEnd(second)).as("the second connection was closed").isTrue();
        assertThat(closedByTheOtherEnd(first)).as("the first connection was closed").isFalse();
    }

    @Test
    void aFrameLongerThanTheLimitIsRefusedNamingBothLengths() {
        final TcpTransport a = track(openOnFreePort(new RecordingListener()));
        final TcpTransport b = track(openOnFreePort(new RecordingListener()));
        connectBothWays(a, b);
        final int tooLong = a.maxFrameLength() + 1;

        assertThatThrownBy(() -> a.send(b.localAddress(), ByteBuffer.allocate(tooLong)))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("frame of " + tooLong + " bytes")
            .hasMessageContaining("maxFrameLength " + a.maxFrameLength());
    }

    @Test
    void closeIsIdempotentAndLaterSendsReturnClosed() {
        final TcpTransport a = openOnFreePort(new RecordingListener());
        a.close();
        a.close();

        assertThat(a.send(freeAddress(), ByteBuffer.wrap(bytes(10)))).isEqualTo(SendResult.CLOSED);
        assertThat(a.poll(frame -> { }, 10)).isZero();
    }

    @Test
    void openingOnAPortInUseFailsNamingTheAddress() throws IOException {
        try (ServerSocket other = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            final NodeAddress taken = NodeAddress.parse("/ip4/127.0.0.1/tcp/" + other.getLocalPort());

            assertThatThrownBy(() -> track(open(taken, new RecordingListener())))
                .isInstanceOf(SkiffException.class)
                .hasMessageContaining("cannot listen on " + taken);
        }
    }

    @Test
    void aDns4AddressIsResolvedWithTheJdk() {
        final TcpTransport a = track(openOnFreePort(new RecordingListener()));
        final TcpTransport b = track(openOnFreePort(new RecordingListener()));
        final NodeAddress byName = NodeAddress.parse("/dns4/localhost/tcp/" + b.localAddress().port());
        a.connect(byName);
        pollUntil(() -> a.isConnected(byName), "a connected to b by name", a, b);
        final List<byte[]> received = new ArrayList<>();
        final byte[] frame = bytes(50);

        assertThat(a.send(byName, ByteBuffer.wrap(frame))).isEqualTo(SendResult.SENT);
        pollUntil(() -> received.size() == 1, "the frame arrived", copyInto(received), b);

        assertThat(received.get(0)).isEqualTo(frame);
    }

    @Test
    void anUnresolvableNameIsAWarningNotAFailure() {
        final RecordingListener listener = new RecordingListener();
        final TcpTransport a = track(openOnFreePort(listener));
        final NodeAddress unknown = NodeAddress.parse("/dns4/no-such-host.invalid/tcp/4000");

        a.connect(unknown);

        assertThat(listener.warnings()).singleElement().asString().contains("no-such-host.invalid");
        assertThat(a.send(unknown, ByteBuffer.wrap(bytes(10)))).isEqualTo(SendResult.NOT_CONNECTED);
    }

    @Test
    void aNonTcpAddressIsRefused() {
        assertThatThrownBy(() -> open(NodeAddress.parse("/ip4/127.0.0.1/udp/4000"), new RecordingListener()))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("/ip4/127.0.0.1/udp/4000 is not a tcp address");
        final TcpTransport a = track(openOnFreePort(new RecordingListener()));
        assertThatThrownBy(() -> a.connect(NodeAddress.parse("/mem/a")))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("/mem/a is not a tcp address");
    }

    @Test
    void theProviderIsFoundByItsProtocol() {
        final TransportProvider provider = Providers.transport("tcp");

        assertThat(provider).isInstanceOf(TcpTransportProvider.class);
        assertThat(provider.protocol()).isEqualTo("tcp");
    }

    private TcpTransport track(TcpTransport transport) {
        opened.add(transport);
        return transport;
    }

    private Socket rawConnect(NodeAddress address) throws IOException {
        final Socket socket = new Socket(address.host(), address.port());
        rawSockets.add(socket);
        return socket;
    }

    /** @return the preamble, then each frame with its length, or each bare int as a length without a frame. */
    private static byte[] stream(Object... parts) {
        final ByteBuffer stream = ByteBuffer.allocate(1024).put(TcpTransport.PREAMBLE);
        for (Object part : parts) {
            if (part instanceof byte[]) {
                stream.putInt(((byte[])part).length).put((byte[])part);
            } else {
                stream.putInt((Integer)part);
            }
        }
        final byte[] bytes = new byte[stream.flip().remaining()];
        stream.get(bytes);
        return bytes;
    }

    /**
     * @return whether the transport closed the connection, seen as the end of the stream within a second; the
     *         transport never writes on connections it accepted.
     */
    private static boolean closedByTheOtherEnd(Socket socket) throws IOException {
        socket.setSoTimeout(1000);
        try {
            return socket.getInputStream().read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            // A reset is a close too.
            return true;
        }
    }

    private byte[] bytes(int length) {
        final byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private static FrameHandler copyInto(List<byte[]> frames) {
        return frame -> {
            final byte[] copy = new byte[frame.remaining()];
            frame.duplicate().get(copy);
            frames.add(copy);
        };
    }

    private static void connectBothWays(TcpTransport a, TcpTransport b) {
        a.connect(b.localAddress());
        b.connect(a.localAddress());
        pollUntil(() -> a.isConnected(b.localAddress()) && b.isConnected(a.localAddress()), "a and b connected", a, b);
    }

    /** Sends until the frame is accepted, while the receiver drains its queue with its handler. */
    private static void sendUntilSent(TcpTransport from, TcpTransport to, byte[] frame, FrameHandler receiver) {
        final ByteBuffer buffer = ByteBuffer.wrap(frame);
        pollUntil(() -> from.send(to.localAddress(), buffer) == SendResult.SENT, "a frame was sent", receiver, from,
            to);
    }
}
