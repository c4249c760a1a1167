package io.skiff.storage.xodus.store;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A second JVM running one of the test mains on the class path (the module path of this JVM and its class path
 * together), whose standard output is read line by line. Public for the node tests in another package.
 */
public final class ChildJvm implements AutoCloseable {
    private static final long TIMEOUT_MS = 30_000;

    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private ChildJvm(Process process) {
        this.process = process;
        final Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
                String line;
                while (null != (line = in.readLine())) {
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("READ FAILED " + e);
            }
            lines.add("EXITED");
        }, "child-jvm-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    public static ChildJvm start(Class<?> main, String... args) {
        final List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-Xmx256m");
        command.add("-XX:+UseSerialGC");
        command.add("--add-exports");
        command.add("java.base/jdk.internal.misc=ALL-UNNAMED");
        command.add("-cp");
        command.add(System.getProperty("jdk.module.path", "") + File.pathSeparator
            + System.getProperty("java.class.path"));
        command.add(main.getName());
        command.addAll(List.of(args));
        try {
            return new ChildJvm(new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param prefix what the line starts with.
     * @return the first line starting with {@code prefix}, skipping others.
     * @throws AssertionError when the child exits or says nothing like it within the timeout.
     */
    public String awaitLine(String prefix) {
        final long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        try {
            while (true) {
                final String line = lines.poll(Math.max(1, deadline - System.currentTimeMillis()),
                    TimeUnit.MILLISECONDS);
                if (null == line || "EXITED".equals(line)) {
                    throw new AssertionError("the child said no line starting with '" + prefix + "' ("
                        + (null == line ? "timed out" : "it exited") + ")");
                }
                if (line.startsWith(prefix)) {
                    return line;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /**
     * @return the next line the child said.
     * @throws AssertionError when it exits or says nothing within the timeout.
     */
    public String nextLine() {
        try {
            final String line = lines.poll(TIMEOUT_MS, TimeUnit.MILLISECONDS);
            if (null == line || "EXITED".equals(line)) {
                throw new AssertionError("the child said nothing more (" + (null == line ? "timed out" : "it exited")
                    + ")");
            }
            return line;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Closes the child's standard input, its cue to finish. */
    public void closeInput() {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Kills the child with SIGKILL and waits for it to be gone. */
    public void kill() {
        process.destroyForcibly();
        awaitExit();
    }

    public int awaitExit() {
        try {
            if (!process.waitFor(TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("the child did not exit within " + TIMEOUT_MS + " ms");
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            awaitExit();
        }
    }
}
