package io.skiff.faults;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fault suite's smoke, run by {@code mvn verify}: every enabled kind of fault but the UDP flood once, in an
 * order drawn from the seed, on three real {@code skiff node} processes under client load; then the faults of a
 * minority at once on five nodes, where that is two. About two minutes on two cores. A failing run keeps its
 * directory under target/fault-runs (each node's log, the run's log).
 */
class FaultSmokeTest {
    @Test
    void everyEnabledFaultOnThreeNodesKeepsTheHistoryLinearizableLosesNoWriteAndTheNodesConverge() {
        final List<FaultKind> kinds = new ArrayList<>(FaultKind.enabled());
        // The longest hold of all; udp-garbage sends the same kinds of datagrams, fewer of them.
        kinds.remove(FaultKind.UDP_FLOOD);
        passes(FaultRun.Config.drawn(1, 3, kinds, true, kinds.size(), Duration.ofMinutes(3)));
    }

    @Test
    void twoOfFiveNodesKilledOrPausedAtOnceKeepTheHistoryLinearizableLoseNoWriteAndTheNodesConverge() {
        passes(FaultRun.Config.drawn(2, 5, List.of(FaultKind.KILL_MINORITY, FaultKind.PAUSE_MINORITY), true, 2,
            Duration.ofMinutes(2)));
    }

    private static void passes(FaultRun.Config config) {
        final RunReport report = FaultRun.run(config, Suite.launcher(),
            Suite.directory("smoke-seed-" + config.seed()));

        System.out.println(report.describe());
        assertThat(report.violations()).as(report.describe()).isEmpty();
        assertThat(report.events()).as(report.describe()).hasSize(config.steps())
            .allSatisfy(event -> assertThat(event.backMs()).as("%s back in the cluster", event).isNotNegative());
    }
}
