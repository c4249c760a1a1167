package io.skiff.cli.gateway;

import io.skiff.NodeState;
import io.skiff.Skiff;
import io.skiff.SkiffNode;
import io.skiff.SkiffOptions;
import io.skiff.cli.Await;
import io.skiff.cli.Ports;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13, defect 3: slow clients must not starve the gateway. Attackers connect from 127.0.0.2 and well-behaved
 * clients from 127.0.0.1, so that the per-client bound tells them apart as it would two hosts. Success is counted,
 * not timed: every well-behaved request must be answered, each within a generous 10 s.
 */
class SlowClientsTest {
    private static final String ATTACKER = "127.0.0.2";
    /** Well-behaved requests made during an attack. */
    private static final int REQUESTS = 40;

    private SkiffNode node;
    private HttpGateway gateway;
    private String base;

    @BeforeEach
    void startNode() throws Exception {
        node = Skiff.node("/ip4/127.0.0.1/udp/" + Ports.freeUdp(), SkiffOptions.builder().build());
        node.start().get(30, TimeUnit.SECONDS);
        Await.value("the node to lead itself", node::state, state -> state == NodeState.LEADER);
    }

    @AfterEach
    void stop() {
        if (null != gateway) {
            gateway.close();
        }
        node.close();
    }

    /**
     * 300 connections trickling header lines: under the JDK server every request then timed out or was reset;
     * Jetty reads them without holding a thread each, and the header deadline closes them.
     */
    @Test
    void wellBehavedClientsAreServedWhile300ConnectionsTrickleHeaders() throws Exception {
        serve(new HttpLimits(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(30), 1024, 1000,
            HttpLimits.DEFAULT_MAX_HEADER_BYTES));

        try (Slowloris attack = new Slowloris(gateway.address(), ATTACKER, 300, Duration.ofMillis(200))) {
            Thread.sleep(1000);
            final int served = wellBehavedRequests();

            assertThat(served).isEqualTo(REQUESTS);
            Await.value("the header deadline to close trickling connections", attack::closedByServer,
                closed -> closed >= 300);
        }
    }

    @Test
    void aClientOverItsConnectionBoundIsClosedAndOthersAreStillServed() throws Exception {
        serve(new HttpLimits(Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(30), 1024, 16,
            HttpLimits.DEFAULT_MAX_HEADER_BYTES));
        final List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 100; i++) {
                final Socket socket = new Socket();
                socket.bind(new InetSocketAddress(ATTACKER, 0));
                socket.connect(gateway.address(), 5000);
                sockets.add(socket);
            }
            // Lets the closing of the excess connections reach this side.
            Thread.sleep(2000);
            int open = 0;
            for (Socket socket : sockets) {
                open += closedWithin(socket, Duration.ofMillis(50)) ? 0 : 1;
            }

            assertThat(open).isEqualTo(16);
            assertThat(wellBehavedRequests()).isEqualTo(REQUESTS);
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }

    @Test
    void aBodySentByteByByteIsCutOffAtTheBodyDeadline() throws Exception {
        serve(new HttpLimits(Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofSeconds(30), 1024, 64,
            HttpLimits.DEFAULT_MAX_HEADER_BYTES));
        try (Socket socket = new Socket()) {
            socket.connect(gateway.address(), 5000);
            socket.getOutputStream().write(("PUT /kv/slow HTTP/1.1\r\nHost: test\r\nContent-Length: 1000\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
            boolean closed = false;
            // At most 100 s of trickling at 10 bytes a second, were the deadline not there: the 1000 bytes would
            // arrive and the put succeed.
            for (int i = 0; i < 1000 && !closed; i++) {
                try {
                    socket.getOutputStream().write('x');
                } catch (IOException e) {
                    closed = true;
                }
                closed = closed || closedWithin(socket, Duration.ofMillis(100));
            }

            assertThat(closed).isTrue();
            assertThat(wellBehavedRequests()).isEqualTo(REQUESTS);
            assertThat(node.levelup().get("slow").get(10, TimeUnit.SECONDS)).isEmpty();
        }
    }

    private void serve(HttpLimits limits) throws IOException {
        gateway = HttpGateway.start(node, new GatewayOptions(new InetSocketAddress("127.0.0.1", 0),
            GatewayOptions.DEFAULT_THREADS, GatewayOptions.DEFAULT_QUEUE_CAPACITY, Duration.ofSeconds(10),
            SkiffOptions.DEFAULT_MAX_COMMAND_BYTES, limits));
        base = "http://127.0.0.1:" + gateway.address().getPort();
    }

    /**
     * @return how many of {@link #REQUESTS} writes and reads were answered, each on a new connection closed after
     *     its answer: new connections are what a starved server cannot take.
     */
    private int wellBehavedRequests() {
        int served = 0;
        for (int i = 0; i < REQUESTS; i++) {
            final String request = i % 2 == 0
                ? "PUT /kv/k" + i + " HTTP/1.1\r\nHost: test\r\nConnection: close\r\nContent-Length: 1\r\n\r\nv"
                : "GET /kv/k" + (i - 1) + " HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n";
            try (Socket socket = new Socket()) {
                socket.connect(gateway.address(), 10_000);
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
                final String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                if (answer.startsWith(i % 2 == 0 ? "HTTP/1.1 204" : "HTTP/1.1 200")) {
                    served++;
                }
            } catch (IOException timedOutOrReset) {
                // Counted as not served.
            }
        }
        return served;
    }

    /** @return whether the server closed the connection (end of stream) within the time. */
    private static boolean closedWithin(Socket socket, Duration time) throws IOException {
        socket.setSoTimeout((int)time.toMillis());
        final InputStream in = socket.getInputStream();
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }
}
