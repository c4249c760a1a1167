package io.skiff.faults;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Clients that open connections to a gateway and send an unfinished request, then one more header line a second,
 * never finishing it (slowloris). Bounded: they send for the given time and then close their connections.
 */
final class SlowHttpClients {
    private static final Duration LINE_INTERVAL = Duration.ofSeconds(1);

    private SlowHttpClients() {
    }

    /**
     * @param port        the gateway's port on 127.0.0.1.
     * @param connections how many connections.
     * @param duration    how long to keep them dribbling.
     * @return how many of them the gateway accepted and kept open throughout.
     */
    static int dribble(int port, int connections, Duration duration) {
        final List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < connections; i++) {
                try {
                    final Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
                    socket.getOutputStream().write(("GET /kv/slow-" + i + " HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                    sockets.add(socket);
                } catch (IOException refused) {
                    // Refusing a connection is a fair defence: count only those kept open.
                }
            }
            final long end = System.nanoTime() + duration.toNanos();
            int line = 0;
            while (System.nanoTime() - end < 0) {
                LockSupport.parkNanos(Math.min(LINE_INTERVAL.toNanos(), Math.max(0, end - System.nanoTime())));
                line++;
                for (Socket socket : sockets) {
                    if (!socket.isClosed()) {
                        try {
                            final OutputStream out = socket.getOutputStream();
                            out.write(("X-Slow-" + line + ": x\r\n").getBytes(StandardCharsets.US_ASCII));
                            out.flush();
                        } catch (IOException closedByTheGateway) {
                            close(socket);
                        }
                    }
                }
            }
            return (int)sockets.stream().filter(socket -> !socket.isClosed()).count();
        } finally {
            sockets.forEach(SlowHttpClients::close);
        }
    }

    private static void close(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // Closing is all that is left to do.
        }
    }
}
