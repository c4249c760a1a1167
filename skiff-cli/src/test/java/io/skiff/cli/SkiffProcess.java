package io.skiff.cli;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code skiff} run as a child process through the repository's launcher script, on the classes and libraries this
 * build just produced (the script's {@code SKIFF_MODULE_PATH}), with its standard output and error read line by line.
 */
public final class SkiffProcess implements AutoCloseable {
    /** Small heaps and a quick JIT: several of these JVMs share a two-core machine. */
    static final String JAVA_OPTS = "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1";

    private final String name;
    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private final Thread reader;

    private SkiffProcess(String name, Process process) {
        this.name = name;
        this.process = process;
        this.reader = new Thread(this::readLines, "skiff-process-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * @param name a name for messages.
     * @param args the command line after {@code skiff}.
     * @return the running process.
     */
    public static SkiffProcess start(String name, String... args) {
        final List<String> command = new ArrayList<>(List.of("bash", script().toString()));
        command.addAll(List.of(args));
        final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("SKIFF_MODULE_PATH", modulePath());
        builder.environment().put("JAVA_OPTS", JAVA_OPTS);
        try {
            return new SkiffProcess(name, builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    /** @return the launcher script at the repository root; tests run in the module's directory. */
    static Path script() {
        final Path script = Path.of("").toAbsolutePath().getParent().resolve("skiff");
        if (!Files.isRegularFile(script)) {
            throw new IllegalStateException("the launcher script is not at " + script);
        }
        return script;
    }

    /** @return this module's classes and the libraries the build laid out in target/lib. */
    static String modulePath() {
        final Path target = Path.of("target").toAbsolutePath();
        if (!Files.isDirectory(target.resolve("lib"))) {
            throw new IllegalStateException(target.resolve("lib") + " is missing: run the tests with mvn verify, "
                + "whose process-test-classes phase copies the dependencies there");
        }
        return target.resolve("classes") + File.pathSeparator + target.resolve("lib");
    }

    private void readLines() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
            StandardCharsets.UTF_8))) {
            String line;
            while (null != (line = in.readLine())) {
                synchronized (lines) {
                    lines.add(line);
                }
            }
        } catch (IOException e) {
            synchronized (lines) {
                lines.add("(reading the output failed: " + e + ")");
            }
        }
    }

    /**
     * @param fragment text the line contains.
     * @return the first such line.
     * @throws AssertionError when the process exits or says no such thing in time, with everything it said.
     */
    public String awaitLine(String fragment) {
        return Await.value(name + " to print '" + fragment + "'", () -> {
            final String line = firstLineWith(fragment);
            if (null == line && !process.isAlive() && null == firstLineWith(fragment)) {
                throw new AssertionError(name + " exited with " + process.exitValue() + " before printing '"
                    + fragment + "':\n" + output());
            }
            return line;
        }, line -> null != line);
    }

    private String firstLineWith(String fragment) {
        synchronized (lines) {
            return lines.stream().filter(line -> line.contains(fragment)).findFirst().orElse(null);
        }
    }

    /** @return every line printed so far. */
    public String output() {
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** @return the process id: the JVM's, since the launcher script {@code exec}s java. */
    public long pid() {
        return process.pid();
    }

    /** Freezes the process with SIGSTOP, as a long GC pause, a frozen VM or container would. */
    public void pause() {
        signal("STOP");
    }

    /** Lets a paused process run again with SIGCONT. */
    public void resume() {
        signal("CONT");
    }

    private void signal(String name) {
        try {
            final Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid()))
                .redirectErrorStream(true).start();
            if (!kill.waitFor(Await.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) || kill.exitValue() != 0) {
                throw new AssertionError("kill -" + name + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run kill -" + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Kills the process with SIGKILL, as {@code kill -9}, and waits until it is gone. */
    public void kill() {
        process.destroyForcibly();
        awaitExit();
    }

    /**
     * Asks the process to stop with SIGTERM. Through its handle, because {@link Process#destroy()} also closes the
     * output, which would lose what the process prints while it stops.
     */
    public void terminate() {
        process.toHandle().destroy();
    }

    /** @return the exit code, once the process has exited. */
    public int awaitExit() {
        try {
            if (!process.waitFor(Await.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(name + " did not exit within " + Await.TIMEOUT.toSeconds() + " s:\n"
                    + output());
            }
            // The output ends when the process does; the reader may still be taking its last lines.
            reader.join(Await.TIMEOUT.toMillis());
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Kills the process if it still runs; a paused one too, since SIGKILL ends a stopped process. */
    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }
}
