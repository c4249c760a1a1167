package io.skiff.transport.aeron.internal;

import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.skiff.SkiffException;
import io.skiff.spi.FrameHandler;
import io.skiff.transport.aeron.AeronTransportOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.agrona.concurrent.BackoffIdleStrategy;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static io.skiff.transport.aeron.internal.Loopback.openOnFreePort;
import static io.skiff.transport.aeron.internal.Loopback.pollUntil;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A transport rebuilds what it lost under the node: its Aeron client after the loop stopped for longer than the
 * liveness timeout, and the embedded media driver when that stopped; what cannot be rebuilt (an external driver that
 * is gone) stops the node with a message. The shortest liveness timeout keeps the stalls
 * short; the driver of each test is its own (a directory of its own), so that no other test's transport shares it.
 */
class AeronTransportHealingTest {
    private static final Duration LIVENESS_TIMEOUT = AeronTransportOptions.MIN_LIVENESS_TIMEOUT;

    @TempDir
    Path directory;

    private final List<AeronTransport> opened = new ArrayList<>();

    @AfterEach
    void closeTransports() {
        opened.forEach(AeronTransport::close);
    }

    @Test
    void aTransportWhoseLoopStoppedLongerThanTheLivenessTimeoutRebuildsItsClientAndTalksAgain() {
        final RecordingListener events = new RecordingListener();
        final AeronTransport a = open(events);
        final AeronTransport b = open(new RecordingListener());
        connectBothWays(a, b);

        // Only a stops: b and the driver carry on, so the driver times out a's client and a's own conductor finds
        // the service interval exceeded, as after a GC pause or SIGSTOP of a node's loop.
        final long stallEndsNs = System.nanoTime() + LIVENESS_TIMEOUT.toNanos() * 3 / 2;
        pollUntil(() -> System.nanoTime() - stallEndsNs > 0, "a's stall is over", b);

        roundTrip(a, b);
        assertThat(a.counters().clientsLost()).isEqualTo(1);
        assertThat(a.counters().clientsRebuilt()).isEqualTo(1);
        assertThat(events.warnings()).anySatisfy(warning -> assertThat(warning).contains("was closed")
            .contains("rebuilding it"));
        assertThat(events.events()).containsSubsequence("connected " + b.localAddress(),
            "disconnected " + b.localAddress(), "connected " + b.localAddress());
    }

    @Test
    void transportsWhoseEmbeddedDriverStoppedStartANewOneAndTalkAgain() {
        // Both transports share the driver, and whichever polls first after it stopped restarts it and warns.
        final RecordingListener events = new RecordingListener();
        final AeronTransport a = open(events);
        final AeronTransport b = open(events);
        connectBothWays(a, b);

        a.sharedDriver().mediaDriver().close();

        roundTrip(a, b);
        assertThat(a.sharedDriver().restarts()).isEqualTo(1);
        assertThat(a.stats()).containsEntry("driverRestarts", 1L);
        assertThat(events.warnings()).anySatisfy(warning -> assertThat(warning).contains("stopped; starting a new one"));
    }

    @Test
    void aTransportThatCannotReachItsExternalDriverAgainStopsTheNodeSayingWhy() {
        final MediaDriver driver = MediaDriver.launch(new MediaDriver.Context()
            .aeronDirectoryName(directory.resolve("external").toString())
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(new BackoffIdleStrategy())
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true));
        final AeronTransport a;
        try {
            a = openOnFreePort(AeronTransportOptions.builder()
                .externalDriver(directory.resolve("external"))
                .livenessTimeout(LIVENESS_TIMEOUT)
                .build(), new RecordingListener());
            opened.add(a);
        } finally {
            driver.close();
        }

        final AtomicReference<SkiffException> failure = new AtomicReference<>();
        pollUntil(() -> {
            try {
                a.poll(frame -> { }, 16);
                return false;
            } catch (SkiffException e) {
                failure.set(e);
                return true;
            }
        }, "the transport gave up");

        assertThat(failure.get()).hasMessageContaining("the Aeron client of " + a.localAddress() + " was lost and "
            + "could not be rebuilt within 6 s; the node stops so that it can be restarted")
            .hasMessageContaining("is it running?");
    }

    private AeronTransport open(RecordingListener listener) {
        final AeronTransportOptions options = AeronTransportOptions.builder()
            .driverDirectory(directory.resolve("driver"))
            .livenessTimeout(LIVENESS_TIMEOUT)
            .build();
        final AeronTransport transport = openOnFreePort(options, listener);
        opened.add(transport);
        return transport;
    }

    private static void connectBothWays(AeronTransport a, AeronTransport b) {
        a.connect(b.localAddress());
        b.connect(a.localAddress());
        pollUntil(() -> a.isConnected(b.localAddress()) && b.isConnected(a.localAddress()), "a and b connected", a, b);
    }

    /** Sends a frame each way, each until accepted and delivered, while both transports poll. */
    private static void roundTrip(AeronTransport a, AeronTransport b) {
        final List<String> atA = new ArrayList<>();
        final List<String> atB = new ArrayList<>();
        final FrameHandler intoA = frame -> atA.add(text(frame));
        final FrameHandler intoB = frame -> atB.add(text(frame));
        pollUntil(() -> {
            b.poll(intoB, 16);
            if (atB.isEmpty()) {
                a.send(b.localAddress(), ByteBuffer.wrap("ping".getBytes()));
            }
            if (atA.isEmpty()) {
                b.send(a.localAddress(), ByteBuffer.wrap("pong".getBytes()));
            }
            return !atA.isEmpty() && !atB.isEmpty();
        }, "a frame each way after the fault", intoA, a);
        assertThat(atB).contains("ping");
        assertThat(atA).contains("pong");
    }

    private static String text(ByteBuffer frame) {
        final byte[] bytes = new byte[frame.remaining()];
        frame.duplicate().get(bytes);
        return new String(bytes);
    }
}
