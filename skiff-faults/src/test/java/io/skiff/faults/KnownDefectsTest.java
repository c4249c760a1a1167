package io.skiff.faults;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 13's acceptance, process by process: after a 30 s pause or a 30 s UDP flood the node is back (following the
 * leader, applied index caught up) within 5 s of the fault's end, and a gateway under slowloris keeps answering
 * well-behaved clients. The pause and slowloris fail on today's main: they are skipped, with the defect as the
 * reason, while their kind has an {@link FaultKind#openDefect()}; the fix's branch removes that reason.
 * {@code -Dskiff.faults.runOpenDefects=true} runs them anyway, to see them fail or a fix make them pass.
 */
class KnownDefectsTest {
    /** The bound on a node's return after a fault ends. */
    private static final long BACK_WITHIN_MS = 5_000;
    private static final Duration QUIET = Duration.ofSeconds(1);

    @Test
    void aFollowerPausedThirtySecondsIsBackWithinFiveSeconds() {
        backWithinFiveSeconds(new FaultStep(FaultKind.PAUSE_PAST_LIVENESS, Duration.ofSeconds(30), QUIET, false, 0));
    }

    @Test
    void aLeaderPausedThirtySecondsIsBackWithinFiveSeconds() {
        backWithinFiveSeconds(new FaultStep(FaultKind.PAUSE_PAST_LIVENESS, Duration.ofSeconds(30), QUIET, true, 0));
    }

    /** Passes on main (see {@link FaultKind#UDP_FLOOD}); "slow", as the smoke floods a node already. */
    @Test
    @Tag("slow")
    void aNodeFloodedThirtySecondsWithForgedUdpIsBackWithinFiveSeconds() {
        backWithinFiveSeconds(new FaultStep(FaultKind.UDP_FLOOD, Duration.ofSeconds(30), QUIET, false, 0));
    }

    @Test
    void aGatewayUnderSlowlorisKeepsServingOtherClients() {
        final RunReport report = run(new FaultStep(FaultKind.SLOWLORIS, Duration.ofSeconds(10), QUIET, false, 0));

        assertThat(report.violations()).as(report.describe()).isEmpty();
        assertThat(report.events()).singleElement().satisfies(event -> assertThat(event.served()).isTrue());
    }

    private static void backWithinFiveSeconds(FaultStep step) {
        final RunReport report = run(step);

        assertThat(report.violations()).as(report.describe()).isEmpty();
        assertThat(report.events()).singleElement().satisfies(event -> assertThat(event.backMs())
            .as(report.describe()).isBetween(0L, BACK_WITHIN_MS));
    }

    private static RunReport run(FaultStep step) {
        assumeTrue(null == step.kind().openDefect() || Boolean.getBoolean("skiff.faults.runOpenDefects"),
            step.kind().openDefect());
        final RunReport report = FaultRun.run(FaultRun.Config.scripted(13, 3, step), Suite.launcher(),
            Suite.directory("defect-" + step.kind().label() + (step.onLeader() ? "-leader" : "")));
        System.out.println(report.describe());
        return report;
    }
}
