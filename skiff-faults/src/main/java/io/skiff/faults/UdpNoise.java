package io.skiff.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Hostile UDP at a node's Raft port, from a socket of its own on 127.0.0.1, as an unauthenticated sender on the
 * network can send it: random bytes, truncated and mutated Aeron frame headers, and forged Aeron SETUP frames for
 * random sessions on Skiff's stream, each followed by a DATA frame, which make the media driver create an image.
 * The mix comes from the seed. Bounded in count and time.
 */
final class UdpNoise {
    /** Aeron's frame types (io.aeron.protocol.HeaderFlyweight): what the driver's receiver dispatches on. */
    private static final short TYPE_DATA = 1;
    private static final short TYPE_SM = 3;
    private static final short TYPE_SETUP = 5;
    private static final int SETUP_LENGTH = 40;
    private static final int DATA_HEADER_LENGTH = 32;
    /** Skiff's stream on Aeron ({@code AeronTransportOptions.DEFAULT_STREAM_ID}). */
    private static final int STREAM_ID = 1;
    private static final int TERM_LENGTH = 64 * 1024;
    private static final int MTU = 1408;

    private final Random random;
    private final byte[] buffer = new byte[MTU];
    private long sent;

    UdpNoise(long seed) {
        this.random = new Random(seed);
    }

    /**
     * @param port          the target's UDP port on 127.0.0.1.
     * @param duration      how long to send.
     * @param maxDatagrams  the most to send.
     * @param perSecond     the rate.
     * @param forgedPercent the share of forged SETUP+DATA pairs among the datagrams.
     * @return how many datagrams were sent.
     */
    long send(int port, Duration duration, long maxDatagrams, int perSecond, int forgedPercent) {
        final InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        final long start = System.nanoTime();
        final long end = start + duration.toNanos();
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            while (sent < maxDatagrams && System.nanoTime() - end < 0) {
                if (random.nextInt(100) < forgedPercent) {
                    final int session = random.nextInt();
                    final int termId = random.nextInt();
                    send(socket, target, setup(session, termId));
                    send(socket, target, data(session, termId));
                } else {
                    send(socket, target, garbage());
                }
                final long wait = start + sent * TimeUnit.SECONDS.toNanos(1) / perSecond - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot send UDP to " + target, e);
        }
        return sent;
    }

    private void send(DatagramSocket socket, InetSocketAddress target, int length) throws IOException {
        socket.send(new DatagramPacket(buffer, length, target));
        sent++;
    }

    private int garbage() {
        switch (random.nextInt(3)) {
            case 0:
                // Random bytes of a random length, up to the MTU.
                final int length = 1 + random.nextInt(buffer.length);
                fillRandom(length);
                return length;
            case 1:
                // A header cut short, of a random frame type.
                final int headerLength = header(random.nextInt(7), DATA_HEADER_LENGTH);
                return 1 + random.nextInt(headerLength - 1);
            default:
                // A whole header whose fields are random, with a length that may lie about the datagram's.
                header(random.nextBoolean() ? TYPE_DATA : TYPE_SM, random.nextInt());
                fillRandom(8, DATA_HEADER_LENGTH);
                return DATA_HEADER_LENGTH + random.nextInt(64);
        }
    }

    private int header(int type, int frameLength) {
        // DATA carries one whole message (BEGIN and END); other types no flags (on a SETUP they ask for more).
        final byte flags = TYPE_DATA == type ? (byte)0xC0 : 0;
        final ByteBuffer frame = ByteBuffer.wrap(buffer).order(ByteOrder.LITTLE_ENDIAN);
        frame.putInt(0, frameLength).put(4, (byte)0).put(5, flags).putShort(6, (short)type);
        return DATA_HEADER_LENGTH;
    }

    private int setup(int session, int termId) {
        header(TYPE_SETUP, SETUP_LENGTH);
        // One in four lies about its MTU, half of those about its term length too: the driver must refuse them.
        final boolean lie = 0 == random.nextInt(4);
        ByteBuffer.wrap(buffer).order(ByteOrder.LITTLE_ENDIAN).putInt(8, 0).putInt(12, session).putInt(16, STREAM_ID)
            .putInt(20, termId).putInt(24, termId).putInt(28, lie && random.nextBoolean() ? random.nextInt()
                : TERM_LENGTH).putInt(32, lie ? random.nextInt() : MTU).putInt(36, 0);
        return SETUP_LENGTH;
    }

    private int data(int session, int termId) {
        final int payload = 8 + random.nextInt(120);
        header(TYPE_DATA, DATA_HEADER_LENGTH + payload);
        ByteBuffer.wrap(buffer).order(ByteOrder.LITTLE_ENDIAN).putInt(8, 0).putInt(12, session).putInt(16, STREAM_ID)
            .putInt(20, termId).putLong(24, 0);
        fillRandom(DATA_HEADER_LENGTH, DATA_HEADER_LENGTH + payload);
        return DATA_HEADER_LENGTH + payload;
    }

    private void fillRandom(int length) {
        fillRandom(0, length);
    }

    private void fillRandom(int from, int to) {
        for (int i = from; i < to; i++) {
            buffer[i] = (byte)random.nextInt(256);
        }
    }
}
