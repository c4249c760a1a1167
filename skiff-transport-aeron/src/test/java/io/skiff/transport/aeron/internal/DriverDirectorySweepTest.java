package io.skiff.transport.aeron.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class DriverDirectorySweepTest {
    @Test
    void directoriesOfDeadProcessesAreRemovedAndOthersKept(@TempDir Path base) throws IOException {
        final long dead = deadPid();
        final Path leftover = Files.createDirectories(base.resolve("skiff-aeron-" + dead + "-abc"));
        Files.writeString(leftover.resolve("cnc.dat"), "x");
        final Path live = Files.createDirectories(base.resolve("skiff-aeron-" + ProcessHandle.current().pid()
            + "-def"));
        final Path foreign = Files.createDirectories(base.resolve("someone-else"));
        SharedMediaDriver.removeDirectoriesOfDeadProcesses(base);
        assertThat(leftover).doesNotExist();
        assertThat(live).exists();
        assertThat(foreign).exists();
    }

    private static long deadPid() throws IOException {
        final Process process = new ProcessBuilder("true").start();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return process.pid();
    }
}
