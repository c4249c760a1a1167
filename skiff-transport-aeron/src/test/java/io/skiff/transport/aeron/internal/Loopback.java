package io.skiff.transport.aeron.internal;

import io.skiff.NodeAddress;
import io.skiff.SkiffException;
import io.skiff.SkiffOptions;
import io.skiff.spi.FrameHandler;
import io.skiff.spi.TransportContext;
import io.skiff.spi.TransportListener;
import io.skiff.transport.aeron.AeronTransportOptions;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketException;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Opens transports on free loopback ports and drives them until a condition holds. */
final class Loopback {
    static final Duration TIMEOUT = Duration.ofSeconds(15);
    private static final int OPEN_ATTEMPTS = 5;
    private static final long IDLE_PARK_NS = 20_000;
    private static final FrameHandler IGNORE = frame -> { };

    private Loopback() {
    }

    /** @return a UDP port on 127.0.0.1 that was free a moment ago. */
    static int freePort() {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (SocketException e) {
            throw new IllegalStateException("no free UDP port on 127.0.0.1", e);
        }
    }

    /** @return an address on a free loopback port. */
    static NodeAddress freeAddress() {
        return NodeAddress.parse("/ip4/127.0.0.1/udp/" + freePort());
    }

    static AeronTransport open(NodeAddress address, TransportListener listener) {
        return open(address, AeronTransportOptions.defaults(), listener);
    }

    static AeronTransport open(NodeAddress address, AeronTransportOptions options, TransportListener listener) {
        final SkiffOptions skiffOptions = SkiffOptions.builder().providerOptions(options).build();
        return AeronTransport.open(new TransportContext(address, skiffOptions, listener));
    }

    /** Opens a transport on a free port, trying other ports when another process took the one picked meanwhile. */
    static AeronTransport openOnFreePort(AeronTransportOptions options, TransportListener listener) {
        SkiffException last = null;
        for (int attempt = 0; attempt < OPEN_ATTEMPTS; attempt++) {
            try {
                return open(freeAddress(), options, listener);
            } catch (SkiffException e) {
                if (!e.getMessage().contains("cannot listen on")) {
                    throw e;
                }
                last = e;
            }
        }
        throw last;
    }

    static AeronTransport openOnFreePort(TransportListener listener) {
        return openOnFreePort(AeronTransportOptions.defaults(), listener);
    }

    /** Polls every transport, discarding frames, until the condition holds; fails after {@link #TIMEOUT}. */
    static void pollUntil(BooleanSupplier condition, String what, AeronTransport... transports) {
        pollUntil(condition, what, IGNORE, transports);
    }

    /** Polls every transport with the handler until the condition holds; fails after {@link #TIMEOUT}. */
    static void pollUntil(BooleanSupplier condition, String what, FrameHandler handler, AeronTransport... transports) {
        final long deadlineNs = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadlineNs > 0) {
                throw new AssertionError("timed out after " + TIMEOUT + " waiting until " + what);
            }
            int work = 0;
            for (AeronTransport transport : transports) {
                work += transport.poll(handler, 16);
            }
            if (0 == work) {
                // Leave the core to the driver's thread: this machine may have only two.
                LockSupport.parkNanos(IDLE_PARK_NS);
            }
        }
    }
}
