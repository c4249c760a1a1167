package io.skiff.cli.node;

import io.aeron.protocol.DataHeaderFlyweight;
import io.aeron.protocol.HeaderFlyweight;
import io.aeron.protocol.SetupFlyweight;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;

/**
 * Unauthenticated UDP at a node's Raft port, the mix of issue 13: random bytes, oversized datagrams, truncated and
 * mutated copies of well-formed Aeron frames, replays, SETUP frames with a forged MTU or term length, and forged
 * SETUP frames for random session ids on Skiff's stream each followed by DATA, which make a driver without bounds
 * create an image (log buffers and counters) per session. Frames are built with Aeron's own flyweights; the mix
 * comes from a seed, so a run is repeatable.
 */
final class UdpFlood {
    /** Skiff's default Aeron stream, which forged frames aim at. */
    private static final int STREAM_ID = 1;
    private static final int MTU = 1408;
    private static final int TERM_LENGTH = 64 * 1024;
    private static final int LARGEST_DATAGRAM = 65_507;

    private final Random random;
    private final byte[] datagram = new byte[LARGEST_DATAGRAM];
    private final UnsafeBuffer buffer = new UnsafeBuffer(datagram);
    private final SetupFlyweight setup = new SetupFlyweight();
    private final DataHeaderFlyweight data = new DataHeaderFlyweight();
    private final byte[] lastFrame = new byte[MTU];
    private int lastFrameLength;
    private long sent;

    UdpFlood(long seed) {
        random = new Random(seed);
        setup.wrap(buffer);
        data.wrap(buffer);
    }

    /**
     * Sends for a bounded time at a bounded rate.
     *
     * @param port      the target's UDP port on 127.0.0.1.
     * @param duration  how long to send.
     * @param perSecond datagrams per second (the attack: about 32,000).
     * @return the datagrams sent.
     */
    long send(int port, Duration duration, int perSecond) {
        final InetAddress target = InetAddress.getLoopbackAddress();
        final long startNs = System.nanoTime();
        final long endNs = startNs + duration.toNanos();
        final long intervalNs = 1_000_000_000L / perSecond;
        try (DatagramSocket socket = new DatagramSocket(0, target)) {
            final DatagramPacket packet = new DatagramPacket(datagram, 0, target, port);
            long nextNs = startNs;
            while (System.nanoTime() - endNs < 0) {
                nextNs += intervalNs;
                final long aheadNs = nextNs - System.nanoTime();
                if (aheadNs > 0) {
                    LockSupport.parkNanos(aheadNs);
                }
                send(socket, packet);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot flood 127.0.0.1:" + port, e);
        }
        return sent;
    }

    private void send(DatagramSocket socket, DatagramPacket packet) throws IOException {
        final int kind = random.nextInt(100);
        if (kind < 40) {
            final int sessionId = random.nextInt();
            final int termId = random.nextInt();
            packet.setLength(forgeSetup(sessionId, termId, TERM_LENGTH, MTU));
            transmit(socket, packet);
            packet.setLength(forgeData(sessionId, termId, random.nextInt(MTU - DataHeaderFlyweight.HEADER_LENGTH)));
            remember(packet.getLength());
        } else if (kind < 50) {
            // A forged MTU or term length, which the driver refuses with an exception when nothing checks first.
            final boolean badMtu = random.nextBoolean();
            packet.setLength(forgeSetup(random.nextInt(), random.nextInt(),
                badMtu ? TERM_LENGTH : random.nextInt(), badMtu ? random.nextInt() : MTU));
        } else if (kind < 65) {
            packet.setLength(randomBytes(1 + random.nextInt(MTU)));
        } else if (kind < 72) {
            packet.setLength(randomBytes(MTU + random.nextInt(LARGEST_DATAGRAM - MTU)));
        } else if (kind < 86 && lastFrameLength > 0) {
            packet.setLength(mutatedCopy());
        } else if (lastFrameLength > 0) {
            System.arraycopy(lastFrame, 0, datagram, 0, lastFrameLength);
            packet.setLength(lastFrameLength);
        } else {
            packet.setLength(randomBytes(64));
        }
        transmit(socket, packet);
    }

    private void transmit(DatagramSocket socket, DatagramPacket packet) throws IOException {
        socket.send(packet);
        sent++;
    }

    private int forgeSetup(int sessionId, int termId, int termLength, int mtu) {
        setup.frameLength(SetupFlyweight.HEADER_LENGTH)
            .version(HeaderFlyweight.CURRENT_VERSION)
            .flags((short)0)
            .headerType(HeaderFlyweight.HDR_TYPE_SETUP);
        setup.termOffset(0).sessionId(sessionId).streamId(STREAM_ID).initialTermId(termId).activeTermId(termId)
            .termLength(termLength).mtuLength(mtu).ttl(0);
        return SetupFlyweight.HEADER_LENGTH;
    }

    private int forgeData(int sessionId, int termId, int payloadLength) {
        final int frameLength = DataHeaderFlyweight.HEADER_LENGTH + payloadLength;
        data.frameLength(frameLength)
            .version(HeaderFlyweight.CURRENT_VERSION)
            .flags(DataHeaderFlyweight.BEGIN_AND_END_FLAGS)
            .headerType(HeaderFlyweight.HDR_TYPE_DATA);
        data.termOffset(0).sessionId(sessionId).streamId(STREAM_ID).termId(termId).reservedValue(0);
        for (int i = DataHeaderFlyweight.HEADER_LENGTH; i < frameLength; i++) {
            datagram[i] = (byte)random.nextInt();
        }
        return frameLength;
    }

    private void remember(int length) {
        System.arraycopy(datagram, 0, lastFrame, 0, length);
        lastFrameLength = length;
    }

    /** A copy of the last well-formed frame, cut short or with a few bytes changed (lengths and offsets too). */
    private int mutatedCopy() {
        System.arraycopy(lastFrame, 0, datagram, 0, lastFrameLength);
        if (random.nextBoolean()) {
            return 1 + random.nextInt(lastFrameLength);
        }
        final int changes = 1 + random.nextInt(4);
        for (int i = 0; i < changes; i++) {
            datagram[random.nextInt(Math.min(lastFrameLength, DataHeaderFlyweight.HEADER_LENGTH))] =
                (byte)random.nextInt();
        }
        return lastFrameLength;
    }

    private int randomBytes(int length) {
        for (int i = 0; i < length; i++) {
            datagram[i] = (byte)random.nextInt();
        }
        return length;
    }
}
