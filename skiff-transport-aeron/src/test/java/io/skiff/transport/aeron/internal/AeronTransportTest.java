package io.skiff.transport.aeron.internal;

import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.skiff.NodeAddress;
import io.skiff.SkiffException;
import io.skiff.spi.FrameHandler;
import io.skiff.spi.SendResult;
import io.skiff.spi.Providers;
import io.skiff.spi.TransportProvider;
import io.skiff.transport.aeron.AeronTransportOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.agrona.concurrent.BackoffIdleStrategy;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.skiff.transport.aeron.internal.Loopback.freeAddress;
import static io.skiff.transport.aeron.internal.Loopback.open;
import static io.skiff.transport.aeron.internal.Loopback.openOnFreePort;
import static io.skiff.transport.aeron.internal.Loopback.pollUntil;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AeronTransportTest {
    private final List<AeronTransport> opened = new ArrayList<>();
    private final Random random = new Random(42);

    @AfterEach
    void closeTransports() {
        opened.forEach(AeronTransport::close);
    }

    @Test
    void framesOfEverySizeRoundTripByteForByte() {
        final AeronTransport a = track(openOnFreePort(new RecordingListener()));
        final AeronTransport b = track(openOnFreePort(new RecordingListener()));
        connectBothWays(a, b);

        final List<byte[]> sent = List.of(
            new byte[0], bytes(1), bytes(100), bytes(1408), bytes(5000), bytes(65_536), bytes(a.maxFrameLength()));
        final List<byte[]> received = new ArrayList<>();
        for (byte[] frame : sent) {
            sendUntilSent(a, b, frame);
        }
        pollUntil(() -> received.size() == sent.size(), "every frame arrived", copyInto(received), b);

        assertThat(received).hasSize(sent.size());
        for (int i = 0; i < sent.size(); i++) {
            assertThat(received.get(i)).as("frame %d of %d bytes", i, sent.get(i).length).isEqualTo(sent.get(i));
        }
        assertThat(b.counters().framesReceived()).isEqualTo(sent.size());
        assertThat(b.counters().bytesReceived()).isEqualTo(sent.stream().mapToLong(f -> f.length).sum());
        assertThat(a.counters().framesSent()).isEqualTo(sent.size());
    }

    @Test
    void framesTravelBothWaysBetweenTransports() {
        final AeronTransport a = track(openOnFreePort(new RecordingListener()));
        final AeronTransport b = track(openOnFreePort(new RecordingListener()));
        connectBothWays(a, b);
        final byte[] ping = bytes(100);
        final byte[] pong = bytes(200);
        final List<byte[]> atA = new ArrayList<>();
        final List<byte[]> atB = new ArrayList<>();

        sendUntilSent(a, b, ping);
        pollUntil(() -> atB.size() == 1, "the ping arrived", copyInto(atB), b);
        sendUntilSent(b, a, pong);
        pollUntil(() -> atA.size() == 1, "the pong arrived", copyInto(atA), a);

        assertThat(atB.get(0)).isEqualTo(ping);
        assertThat(atA.get(0)).isEqualTo(pong);
    }

    @Test
    void sendingLeavesTheFramesPositionAndLimitAlone() {
        final AeronTransport a = track(openOnFreePort(new RecordingListener()));
        final AeronTransport b = track(openOnFreePort(new RecordingListener()));
        connectBothWays(a, b);
        final ByteBuffer frame = ByteBuffer.allocateDirect(64);
        frame.position(8).limit(40);

        pollUntil(() -> a.send(b.localAddress(), frame) == SendResult.SENT, "a frame was sent", a, b);

        assertThat(frame.position()).isEqualTo(8);
        assertThat(frame.limit()).isEqualTo(40);
    }

    @Test
    void sendToAPeerNeverConnectedReturnsNotConnected() {
        final AeronTransport a = track(openOnFreePort(new RecordingListener()));

        assertThat(a.send(freeAddress(), ByteBuffer.wrap(bytes(10)))).isEqualTo(SendResult.NOT_CONNECTED);
        assertThat(a.counters().notConnected()).isEqualTo(1);
    }

    @Test
    void sendToAConnectedPeerThatNobodyListensOnReturnsNotConnected() {
        final AeronTransport a = track(openOnFreePort(new RecordingListener()));
        final NodeAddress nobody = freeAddress();
        a.connect(nobody);
        pollUntil(() -> null != a.publicationOf(nobody), "the publication was created", a);

        assertThat(a.send(nobody, ByteBuffer.wrap(bytes(10)))).isEqualTo(SendResult.NOT_CONNECTED);
    }

    @Test
    void disconnectAndReconnectAreReportedOnceEachWhenAPeerRestartsOnItsAddress() {
        final RecordingListener events = new RecordingListener();
        final AeronTransport a = track(openOnFreePort(events));
        final AeronTransport b = track(openOnFreePort(new RecordingListener()));
        final NodeAddress bAddress = b.localAddress();
        a.connect(bAddress);
        pollUntil(() -> a.isConnected(bAddress), "a connected to b", a, b);

        b.close();
        pollUntil(() -> !a.isConnected(bAddress), "a saw b go", a);
        final AeronTransport restarted = track(open(bAddress, new RecordingListener()));
        pollUntil(() -> a.isConnected(bAddress), "a reconnected to the restarted b", a, restarted);
        final byte[] frame = bytes(300);
        final List<byte[]> received = new ArrayList<>();
        sendUntilSent(a, restarted, frame);
        pollUntil(() -> received.size() == 1, "the restarted b received a frame", copyInto(received), restarted);

        assertThat(events.events()).containsExactly(
            "connected " + bAddress, "disconnected " + bAddress, "connected " + bAddress);
        assertThat(received.get(0)).isEqualTo(frame);
        assertThat(a.counters().connects()).isEqualTo(2);
        assertThat(a.counters().disconnects()).isEqualTo(1);
    }

    @Test
    void disconnectReportsTheDisconnectionAndLaterSendsAreNotConnected() {
        final RecordingListener events = new RecordingListener();
        final AeronTransport a = track(openOnFreePort(events));
        final AeronTransport b = track(openOnFreePort(new RecordingListener()));
        a.connect(b.localAddress());
        pollUntil(() -> a.isConnected(b.localAddress()), "a connected to b", a, b);

        a.disconnect(b.localAddress());

        assertThat(events.events()).containsExactly(
            "connected " + b.localAddress(), "disconnected " + b.localAddress());
        assertThat(a.send(b.localAddress(), ByteBuffer.wrap(bytes(10)))).isEqualTo(SendResult.NOT_CONNECTED);
    }

    @Test
    void transportsOfOneProcessShareOneDriverWhoseDirectoryGoesWithTheLast() {
        final AeronTransport a = openOnFreePort(new RecordingListener());
        final AeronTransport b = openOnFreePort(new RecordingListener());
        final AeronTransport c = openOnFreePort(new RecordingListener());

        assertThat(SharedMediaDriver.runningCount()).isEqualTo(1);
        assertThat(b.driverDirectory()).isEqualTo(a.driverDirectory());
        assertThat(c.driverDirectory()).isEqualTo(a.driverDirectory());
        assertThat(a.driverDirectory().getFileName().toString())
            .startsWith("skiff-aeron-" + ProcessHandle.current().pid() + "-");

        a.close();
        b.close();
        assertThat(a.driverDirectory()).exists();
        c.close();
        assertThat(a.driverDirectory()).doesNotExist();
        assertThat(SharedMediaDriver.runningCount()).isZero();
    }

    @Test
    void closeIsIdempotentAndLaterSendsReturnClosed() {
        final AeronTransport a = openOnFreePort(new RecordingListener());
        a.close();
        a.close();

        assertThat(a.send(freeAddress(), ByteBuffer.wrap(bytes(10)))).isEqualTo(SendResult.CLOSED);
        assertThat(a.poll(frame -> { }, 10)).isZero();
        assertThat(SharedMediaDriver.runningCount()).isZero();
    }

    @Test
    void aFrameLongerThanTheLimitIsRefusedNamingBothLengths() {
        final AeronTransport a = track(openOnFreePort(new RecordingListener()));
        final AeronTransport b = track(openOnFreePort(new RecordingListener()));
        connectBothWays(a, b);
        final int tooLong = a.maxFrameLength() + 1;

        assertThat(a.maxFrameLength()).isEqualTo(AeronTransportOptions.DEFAULT_TERM_LENGTH / 8);
        assertThatThrownBy(() -> a.send(b.localAddress(), ByteBuffer.allocate(tooLong)))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("frame of " + tooLong + " bytes")
            .hasMessageContaining("maxFrameLength " + a.maxFrameLength());
    }

    @Test
    void maxFrameLengthFollowsTheTermLength() {
        final AeronTransportOptions options = AeronTransportOptions.builder().termLength(256 * 1024).build();
        final AeronTransport a = track(openOnFreePort(options, new RecordingListener()));

        assertThat(a.maxFrameLength()).isEqualTo(32 * 1024);
    }

    @Test
    void floodingAPeerThatDoesNotPollIsReportedAsBackPressure() {
        final AeronTransport a = track(openOnFreePort(new RecordingListener()));
        final AeronTransport b = track(openOnFreePort(new RecordingListener()));
        connectBothWays(a, b);
        final ByteBuffer frame = ByteBuffer.wrap(bytes(1000));

        // b never polls, so its window closes and a's publication fills: a term is 1 MiB, so this is plenty.
        SendResult result = SendResult.SENT;
        for (int i = 0; i < 100_000 && result == SendResult.SENT; i++) {
            result = a.send(b.localAddress(), frame);
        }

        assertThat(result).isEqualTo(SendResult.BACK_PRESSURED);
        assertThat(a.counters().backPressured()).isEqualTo(1);
    }

    @Test
    void garbageFramesAreDeliveredUninterpreted() {
        final AeronTransport a = track(openOnFreePort(new RecordingListener()));
        final AeronTransport b = track(openOnFreePort(new RecordingListener()));
        connectBothWays(a, b);
        final List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            sent.add(bytes(random.nextInt(4000)));
        }
        final List<byte[]> received = new ArrayList<>();

        for (byte[] frame : sent) {
            sendUntilSent(a, b, frame, copyInto(received));
        }
        pollUntil(() -> received.size() == sent.size(), "every frame arrived", copyInto(received), b);

        assertThat(received).containsExactlyElementsOf(sent);
    }

    @Test
    void aDns4AddressIsResolvedWithTheJdk() {
        final AeronTransport a = track(openOnFreePort(new RecordingListener()));
        final AeronTransport b = track(openOnFreePort(new RecordingListener()));
        final NodeAddress byName = NodeAddress.parse("/dns4/localhost/udp/" + b.localAddress().port());
        a.connect(byName);
        pollUntil(() -> a.isConnected(byName), "a connected to b by name", a, b);
        final List<byte[]> received = new ArrayList<>();
        final byte[] frame = bytes(50);

        pollUntil(() -> a.send(byName, ByteBuffer.wrap(frame)) == SendResult.SENT, "a frame was sent", a, b);
        pollUntil(() -> received.size() == 1, "the frame arrived", copyInto(received), b);

        assertThat(received.get(0)).isEqualTo(frame);
    }

    @Test
    void anUnresolvableNameIsAWarningNotAFailure() {
        final RecordingListener listener = new RecordingListener();
        final AeronTransport a = track(openOnFreePort(listener));
        final NodeAddress unknown = NodeAddress.parse("/dns4/no-such-host.invalid/udp/4000");

        a.connect(unknown);

        assertThat(listener.warnings()).singleElement().asString().contains("no-such-host.invalid");
        assertThat(a.send(unknown, ByteBuffer.wrap(bytes(10)))).isEqualTo(SendResult.NOT_CONNECTED);
    }

    @Test
    void twoNodesOfOneProcessCannotListenOnOneAddress() {
        final AeronTransport a = track(openOnFreePort(new RecordingListener()));

        assertThatThrownBy(() -> track(open(a.localAddress(), new RecordingListener())))
            .isInstanceOf(SkiffException.class)
            .hasMessageContaining("cannot listen on " + a.localAddress())
            .hasMessageContaining("another node of this process");
        assertThat(SharedMediaDriver.runningCount()).isEqualTo(1);
    }

    @Test
    void openingOnAPortBoundElsewhereFailsNamingTheAddress() throws SocketException {
        try (DatagramSocket other = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            final NodeAddress taken = NodeAddress.parse("/ip4/127.0.0.1/udp/" + other.getLocalPort());

            assertThatThrownBy(() -> track(open(taken, new RecordingListener())))
                .isInstanceOf(SkiffException.class)
                .hasMessageContaining("cannot listen on " + taken);
        }
        assertThat(SharedMediaDriver.runningCount()).isZero();
    }

    @Test
    void anEmbeddedDriverRefusesTheDirectoryOfARunningDriver(@TempDir Path directory) {
        try (MediaDriver running = launchDriver(directory)) {
            final AeronTransportOptions options = AeronTransportOptions.builder()
                .driverDirectory(Path.of(running.aeronDirectoryName()))
                .build();

            assertThatThrownBy(() -> track(open(freeAddress(), options, new RecordingListener())))
                .isInstanceOf(SkiffException.class)
                .hasMessageContaining("cannot start the embedded Aeron media driver in " + running.aeronDirectoryName())
                .hasMessageContaining("Active media driver");
            assertThat(Path.of(running.aeronDirectoryName())).isDirectoryContaining("glob:**cnc.dat");
        }
        assertThat(SharedMediaDriver.runningCount()).isZero();
    }

    @Test
    void anEmbeddedDriverInAConfiguredDirectoryIsSharedAndRemovedAfterTheLast(@TempDir Path directory) {
        final Path driverDirectory = directory.resolve("embedded");
        final AeronTransportOptions options = AeronTransportOptions.builder().driverDirectory(driverDirectory).build();
        final AeronTransport a = openOnFreePort(options, new RecordingListener());
        final AeronTransport b = openOnFreePort(options, new RecordingListener());

        assertThat(a.driverDirectory()).isEqualTo(driverDirectory);
        assertThat(b.driverDirectory()).isEqualTo(driverDirectory);
        assertThat(SharedMediaDriver.runningCount()).isEqualTo(1);
        a.close();
        b.close();
        assertThat(driverDirectory).doesNotExist();
    }

    @Test
    void anExternalDriverIsUsedWhenConfigured(@TempDir Path directory) {
        try (MediaDriver driver = launchDriver(directory)) {
            final AeronTransportOptions options = AeronTransportOptions.builder()
                .externalDriver(Path.of(driver.aeronDirectoryName()))
                .build();
            final AeronTransport a = track(openOnFreePort(options, new RecordingListener()));
            final AeronTransport b = track(openOnFreePort(options, new RecordingListener()));
            connectBothWays(a, b);
            final List<byte[]> received = new ArrayList<>();
            final byte[] frame = bytes(3000);

            sendUntilSent(a, b, frame);
            pollUntil(() -> received.size() == 1, "the frame arrived", copyInto(received), b);

            assertThat(received.get(0)).isEqualTo(frame);
            assertThat(a.driverDirectory()).isEqualTo(Path.of(driver.aeronDirectoryName()));
            assertThat(SharedMediaDriver.runningCount()).isZero();
            a.close();
            b.close();
        }
    }

    @Test
    void aNonUdpAddressIsRefused() {
        assertThatThrownBy(() -> open(NodeAddress.parse("/mem/a"), new RecordingListener()))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("/mem/a is not a udp address");
        assertThatThrownBy(() -> open(NodeAddress.parse("/ip4/127.0.0.1/tcp/4000"), new RecordingListener()))
            .isInstanceOf(IllegalArgumentException.class);
        assertThat(SharedMediaDriver.runningCount()).isZero();
    }

    @Test
    void theProviderIsFoundByItsProtocol() {
        final TransportProvider provider = Providers.transport("udp");

        assertThat(provider).isInstanceOf(AeronTransportProvider.class);
        assertThat(provider.protocol()).isEqualTo("udp");
    }

    @Test
    void framesHandedToTheHandlerAreReadOnlyViews() {
        final AeronTransport a = track(openOnFreePort(new RecordingListener()));
        final AeronTransport b = track(openOnFreePort(new RecordingListener()));
        connectBothWays(a, b);
        final List<Boolean> readOnly = new ArrayList<>();
        final FrameHandler inspect = frame -> readOnly.add(frame.isReadOnly());

        sendUntilSent(a, b, bytes(100));
        sendUntilSent(a, b, bytes(10_000));
        pollUntil(() -> readOnly.size() == 2, "both frames arrived", inspect, b);

        assertThat(readOnly).containsExactly(true, true);
    }

    private static MediaDriver launchDriver(Path directory) {
        return MediaDriver.launch(new MediaDriver.Context()
            .aeronDirectoryName(directory.resolve("driver").toString())
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(new BackoffIdleStrategy())
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true));
    }

    private AeronTransport track(AeronTransport transport) {
        opened.add(transport);
        return transport;
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

    private static void connectBothWays(AeronTransport a, AeronTransport b) {
        a.connect(b.localAddress());
        b.connect(a.localAddress());
        pollUntil(() -> a.isConnected(b.localAddress()) && b.isConnected(a.localAddress()), "a and b connected", a, b);
    }

    /** Sends once per duty cycle of the sender until the frame is accepted. */
    private static void sendUntilSent(AeronTransport from, AeronTransport to, byte[] frame) {
        final ByteBuffer buffer = ByteBuffer.wrap(frame);
        pollUntil(() -> from.send(to.localAddress(), buffer) == SendResult.SENT, "a frame was sent", from);
    }

    /** Sends once per duty cycle until the frame is accepted, while the receiver consumes with its handler. */
    private static void sendUntilSent(AeronTransport from, AeronTransport to, byte[] frame, FrameHandler receiver) {
        final ByteBuffer buffer = ByteBuffer.wrap(frame);
        pollUntil(() -> from.send(to.localAddress(), buffer) == SendResult.SENT, "a frame was sent", receiver, to);
    }
}
