package io.skiff.transport.aeron.internal;

import io.aeron.protocol.DataHeaderFlyweight;
import io.aeron.protocol.HeaderFlyweight;
import io.aeron.protocol.SetupFlyweight;
import io.skiff.spi.FrameHandler;
import io.skiff.transport.aeron.AeronTransportOptions;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static io.skiff.transport.aeron.internal.Loopback.openOnFreePort;
import static io.skiff.transport.aeron.internal.Loopback.pollUntil;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an unauthenticated sender can make the embedded driver allocate is bounded: forged Aeron SETUP frames, built
 * with Aeron's own flyweights and sent from one socket, make the driver create at most {@link
 * GuardedReceiveChannelEndpoint#SESSIONS_PER_SOURCE} images (each a log buffer in its directory), and SETUPs that Aeron would refuse with an exception
 * never reach it. A real peer's frame, sent after the forged ones, marks when the driver has handled them.
 */
class DriverGuardTest {
    private static final int STREAM_ID = AeronTransportOptions.DEFAULT_STREAM_ID;
    private static final int MTU = AeronTransportOptions.DEFAULT_MTU;
    private static final int TERM_LENGTH = AeronTransportOptions.MIN_TERM_LENGTH;

    @TempDir
    Path directory;

    private final List<AeronTransport> opened = new ArrayList<>();
    private final Random random = new Random(13);
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[MTU]);

    @AfterEach
    void closeTransports() {
        opened.forEach(AeronTransport::close);
    }

    @Test
    void forgedSetupsForRandomSessionsFromOneSourceGetAtMostTheBoundOfImages() throws IOException {
        final AeronTransport target = open();
        final int forged = 200;

        try (DatagramSocket attacker = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            for (int i = 0; i < forged; i++) {
                final int sessionId = random.nextInt();
                send(attacker, target, setup(sessionId, TERM_LENGTH, MTU));
                send(attacker, target, data(sessionId));
            }
        }
        afterARealPeersFrame(target);

        assertThat(imageLogs(target)).as("image logs in the driver: the real peer's and the forged ones admitted")
            .isBetween(2L, 1L + GuardedReceiveChannelEndpoint.SESSIONS_PER_SOURCE);
        // Loopback may drop some of a burst when the socket buffer is full; those were refused by nobody.
        assertThat(target.stats().get("setupsRefused")).isPositive();
    }

    @Test
    void setupsThatAeronWouldRefuseWithAnExceptionAreDroppedAndCountedNotReported() throws IOException {
        final AeronTransport target = open();
        final List<byte[]> invalid = List.of(
            setup(1, TERM_LENGTH, -16_925_584),
            setup(2, TERM_LENGTH, 605_549_381),
            setup(3, TERM_LENGTH, 1500),
            setup(4, 1_847_224_424, MTU),
            setup(5, 100_000, MTU),
            setup(6, AeronTransportOptions.DEFAULT_TERM_LENGTH * 2, MTU),
            setup(7, TERM_LENGTH, TERM_LENGTH));

        try (DatagramSocket attacker = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            for (byte[] frame : invalid) {
                send(attacker, target, frame);
            }
        }
        afterARealPeersFrame(target);

        assertThat(target.stats()).containsEntry("driverErrors", 0L)
            .containsEntry("setupsRefused", (long)invalid.size());
        assertThat(imageLogs(target)).isEqualTo(1);
    }

    /** @return the log buffers of images in the target's driver: one per session it accepted, real or forged. */
    private static long imageLogs(AeronTransport target) throws IOException {
        try (Stream<Path> logs = Files.list(target.driverDirectory().resolve("images"))) {
            return logs.count();
        }
    }

    private AeronTransport open() {
        final AeronTransport transport = openOnFreePort(AeronTransportOptions.builder()
            .driverDirectory(directory.resolve("driver")).build(), new RecordingListener());
        opened.add(transport);
        return transport;
    }

    /** Connects a real peer to the target and waits for one of its frames: the driver has handled what came before. */
    private void afterARealPeersFrame(AeronTransport target) {
        final AeronTransport peer = openOnFreePort(AeronTransportOptions.builder()
            .driverDirectory(directory.resolve("peer-driver")).build(), new RecordingListener());
        opened.add(peer);
        peer.connect(target.localAddress());
        final boolean[] received = new boolean[1];
        final FrameHandler handler = frame -> received[0] = true;
        pollUntil(() -> {
            peer.send(target.localAddress(), ByteBuffer.wrap(new byte[] {1, 2, 3}));
            return received[0];
        }, "a frame of the real peer arrived", handler, target, peer);
    }

    private byte[] setup(int sessionId, int termLength, int mtu) {
        final SetupFlyweight setup = new SetupFlyweight(buffer);
        setup.frameLength(SetupFlyweight.HEADER_LENGTH).version(HeaderFlyweight.CURRENT_VERSION).flags((short)0)
            .headerType(HeaderFlyweight.HDR_TYPE_SETUP);
        setup.termOffset(0).sessionId(sessionId).streamId(STREAM_ID).initialTermId(7).activeTermId(7)
            .termLength(termLength).mtuLength(mtu).ttl(0);
        return copy(SetupFlyweight.HEADER_LENGTH);
    }

    private byte[] data(int sessionId) {
        final int length = DataHeaderFlyweight.HEADER_LENGTH + 32;
        final DataHeaderFlyweight data = new DataHeaderFlyweight(buffer);
        data.frameLength(length).version(HeaderFlyweight.CURRENT_VERSION)
            .flags(DataHeaderFlyweight.BEGIN_AND_END_FLAGS).headerType(HeaderFlyweight.HDR_TYPE_DATA);
        data.termOffset(0).sessionId(sessionId).streamId(STREAM_ID).termId(7).reservedValue(0);
        return copy(length);
    }

    private byte[] copy(int length) {
        final byte[] bytes = new byte[length];
        buffer.getBytes(0, bytes);
        return bytes;
    }

    private static void send(DatagramSocket socket, AeronTransport target, byte[] frame) throws IOException {
        socket.send(new DatagramPacket(frame, frame.length, InetAddress.getLoopbackAddress(),
            target.localAddress().port()));
    }
}
