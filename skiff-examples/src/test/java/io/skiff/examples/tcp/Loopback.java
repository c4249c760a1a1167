package io.skiff.examples.tcp;

import io.skiff.NodeAddress;
import io.skiff.SkiffException;
import io.skiff.SkiffOptions;
import io.skiff.spi.FrameHandler;
import io.skiff.spi.TransportContext;
import io.skiff.spi.TransportListener;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Opens tcp transports on free loopback ports and drives them until a condition holds. */
final class Loopback {
    static final Duration TIMEOUT = Duration.ofSeconds(15);
    private static final int OPEN_ATTEMPTS = 5;
    private static final long IDLE_PARK_NS = 50_000;
    private static final FrameHandler IGNORE = frame -> { };

    private Loopback() {
    }

    /** @return a TCP port on 127.0.0.1 that was free a moment ago. */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free TCP port on 127.0.0.1", e);
        }
    }

    static NodeAddress freeAddress() {
        return NodeAddress.parse("/ip4/127.0.0.1/tcp/" + freePort());
    }

    static TcpTransport open(NodeAddress address, TcpTransportOptions options, TransportListener listener) {
        final SkiffOptions skiffOptions = SkiffOptions.builder().providerOptions(options).build();
        return TcpTransport.open(new TransportContext(address, skiffOptions, listener));
    }

    static TcpTransport open(NodeAddress address, TransportListener listener) {
        return open(address, TcpTransportOptions.defaults(), listener);
    }

    /** Opens a transport on a free port, trying others when another process took the one picked meanwhile. */
    static TcpTransport openOnFreePort(TcpTransportOptions options, TransportListener listener) {
        SkiffException last = null;
        for (int attempt = 0; attempt < OPEN_ATTEMPTS; attempt++) {
            try {
                return open(freeAddress(), options, listener);
            } catch (SkiffException e) {
                last = e;
            }
        }
        throw last;
    }

    static TcpTransport openOnFreePort(TransportListener listener) {
        return openOnFreePort(TcpTransportOptions.defaults(), listener);
    }

    static void pollUntil(BooleanSupplier condition, String what, TcpTransport... transports) {
        pollUntil(condition, what, IGNORE, transports);
    }

    /** Polls every transport with the handler until the condition holds; fails after {@link #TIMEOUT}. */
    static void pollUntil(BooleanSupplier condition, String what, FrameHandler handler, TcpTransport... transports) {
        final long deadlineNs = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadlineNs > 0) {
                throw new AssertionError("timed out after " + TIMEOUT + " waiting until " + what);
            }
            int work = 0;
            for (TcpTransport transport : transports) {
                work += transport.poll(handler, 16);
            }
            if (0 == work) {
                LockSupport.parkNanos(IDLE_PARK_NS);
            }
        }
    }
}
