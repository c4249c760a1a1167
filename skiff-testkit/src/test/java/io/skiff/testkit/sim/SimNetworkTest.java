package io.skiff.testkit.sim;

import io.skiff.NodeAddress;
import io.skiff.testkit.QuietContexts;
import io.skiff.spi.SendResult;
import io.skiff.spi.Transport;
import io.skiff.spi.TransportContext;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class SimNetworkTest {
    private static final NodeAddress A = NodeAddress.parse("/mem/a");
    private static final NodeAddress B = NodeAddress.parse("/mem/b");

    private final Scheduler scheduler = new Scheduler(new VirtualClock(0));
    private final SimNetwork network = new SimNetwork(scheduler, new SplittableRandom(1), 1000);

    @Test
    void aLinkAtItsInFlightLimitPushesBackUntilItsFramesArrive() {
        final Transport a = network.open(context(A));
        final Transport b = network.open(context(B));
        network.faults(A, B, LinkFaults.HEALTHY.withMaxInFlight(2));

        assertThat(a.send(B, ByteBuffer.allocate(8))).isEqualTo(SendResult.SENT);
        assertThat(a.send(B, ByteBuffer.allocate(8))).isEqualTo(SendResult.SENT);
        assertThat(a.send(B, ByteBuffer.allocate(8))).isEqualTo(SendResult.BACK_PRESSURED);
        assertThat(b.send(A, ByteBuffer.allocate(8))).isEqualTo(SendResult.SENT);
        assertThat(network.sentFrames()).isEqualTo(3);

        assertThat(runAll()).isEqualTo(3);

        assertThat(b.poll(frame -> { }, 10)).isEqualTo(2);
        assertThat(a.send(B, ByteBuffer.allocate(8))).isEqualTo(SendResult.SENT);
    }

    @Test
    void withoutALimitEveryFrameIsTakenAndArrives() {
        final Transport a = network.open(context(A));
        final Transport b = network.open(context(B));

        for (int i = 0; i < 100; i++) {
            assertThat(a.send(B, ByteBuffer.allocate(8))).isEqualTo(SendResult.SENT);
        }

        assertThat(runAll()).isEqualTo(100);
        assertThat(b.poll(frame -> { }, 1000)).isEqualTo(100);
    }

    private int runAll() {
        int events = 0;
        while (scheduler.runNext(Long.MAX_VALUE)) {
            events++;
        }
        return events;
    }

    private static TransportContext context(NodeAddress address) {
        return QuietContexts.of(address);
    }
}
