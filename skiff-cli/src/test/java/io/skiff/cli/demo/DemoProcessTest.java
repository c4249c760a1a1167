package io.skiff.cli.demo;

import io.skiff.cli.SkiffProcess;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code skiff demo} as a newcomer runs it: through the launcher script, to the end, by itself. */
class DemoProcessTest {
    @Test
    void theDemoFailsOverLosesNoAcknowledgedWriteAndExitsZero() {
        try (SkiffProcess demo = SkiffProcess.start("demo", "demo", "--phase-seconds", "2")) {
            final int exitCode = demo.awaitExit();

            assertThat(exitCode).as("%s", demo.output()).isZero();
            assertThat(demo.output())
                .contains("leader elected: ")
                .containsPattern("writes +[0-9,]+ +[0-9,]+/s +reads")
                .containsPattern("failover: \\S+ leads \\(term [0-9]+\\), elected [0-9]+ ms after the stop")
                .containsPattern("caught up: \\S+ applied index [0-9]+")
                .contains("every acknowledged write is there")
                .contains("msgs sent")
                .contains("OK: no acknowledged write was lost");
        }
    }

    @Test
    void theLauncherScriptRunsTheCommandLine() {
        try (SkiffProcess help = SkiffProcess.start("help", "--help")) {
            assertThat(help.awaitExit()).isZero();
            assertThat(help.output()).startsWith("Usage: skiff").contains("Exit codes:");
        }
    }
}
