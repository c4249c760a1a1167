package io.skiff.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One {@code skiff node} child JVM, started through the repository's launcher script as an operator starts it, its
 * output appended to a log file (kept when a run fails). The launcher {@code exec}s the JVM, so the process's pid is
 * the node's and signals reach the node itself. Its embedded media driver gets the default directory, a fresh one
 * per process in /dev/shm, which a killed node cannot delete: {@link #kill()} does.
 */
final class NodeProcess {
    /** Small heaps and a quick JIT: several of these JVMs share a two-core machine. */
    static final String JAVA_OPTS = "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1";
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(20);

    private final Member member;
    private final Process process;

    private NodeProcess(Member member, Process process) {
        this.member = member;
        this.process = process;
    }

    /**
     * @param launcher       the {@code skiff} script at the repository root.
     * @param member         the node to run.
     * @param peers          the other members' addresses.
     * @param requestTimeout the gateway's {@code --request-timeout-ms}.
     * @param log            the file the node's output is appended to.
     * @return the started process.
     */
    static NodeProcess start(Path launcher, Member member, List<String> peers, Duration requestTimeout, Path log) {
        final List<String> command = new ArrayList<>(List.of("bash", launcher.toString(), "node",
            "--address", member.address(), "--http", String.valueOf(member.httpPort()),
            "--data", member.data().toString(),
            "--request-timeout-ms", String.valueOf(requestTimeout.toMillis())));
        if (!peers.isEmpty()) {
            command.add("--peers");
            command.add(String.join(",", peers));
        }
        final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("JAVA_OPTS", JAVA_OPTS);
        builder.environment().remove("SKIFF_MODULE_PATH");
        try {
            return new NodeProcess(member, builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + member + " with " + command, e);
        }
    }

    Member member() {
        return member;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Sends a signal the JDK cannot send itself, such as {@code STOP} or {@code CONT}. */
    void signal(String name) {
        if (!process.isAlive()) {
            return;
        }
        final Process kill;
        try {
            kill = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).redirectErrorStream(true)
                .start();
            if (!kill.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                kill.destroyForcibly();
                throw new IllegalStateException("kill -" + name + " " + process.pid() + " did not finish");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot send SIG" + name + " to " + member, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while signalling " + member, e);
        }
        if (0 != kill.exitValue() && process.isAlive()) {
            throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed with " + kill.exitValue());
        }
    }

    /** SIGKILL, as {@code kill -9}, and waits until the process is gone; works on a stopped process too. */
    void kill() {
        process.destroyForcibly();
        awaitExit();
        deleteDriverDirectories();
    }

    /** The driver's directory is named after the pid ({@code skiff-aeron-PID-RANDOM}, see SharedMediaDriver). */
    private void deleteDriverDirectories() {
        for (Path base : List.of(Path.of("/dev/shm"), Path.of(System.getProperty("java.io.tmpdir")))) {
            if (!Files.isDirectory(base)) {
                continue;
            }
            try (Stream<Path> entries = Files.list(base)) {
                entries.filter(entry -> entry.getFileName().toString().startsWith("skiff-aeron-" + pid() + "-"))
                    .forEach(ProcessCluster::deleteTree);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + base, e);
            }
        }
    }

    /** SIGTERM, the clean stop, and waits until the process is gone (SIGKILL if it takes too long). */
    int terminate() {
        process.toHandle().destroy();
        return awaitExit();
    }

    private int awaitExit() {
        try {
            if (!process.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
            return process.isAlive() ? -1 : process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            return -1;
        }
    }
}
