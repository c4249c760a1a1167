package io.skiff.transport.aeron.cluster;

import io.skiff.NodeAddress;
import io.skiff.NodeState;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The test's handle on a child JVM running {@link NodeProcessMain}: sends it requests and matches the answers by
 * id, kills it with SIGKILL, and cleans up after it. A shutdown hook kills every child still alive when the test
 * JVM exits; a child also exits when its standard input closes.
 */
final class NodeProcess implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(10);
    private static final Set<Process> ALIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> ALIVE.forEach(Process::destroyForcibly),
            "kill-node-processes"));
    }

    /** What a node reports in answer to {@code status}. */
    record Status(NodeState state, long term, String leader, long commitIndex, long appliedIndex) {
    }

    private final NodeAddress address;
    private final Process process;
    private final OutputStream requests;
    private final Map<Long, CompletableFuture<String>> pending = new ConcurrentHashMap<>();
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final AtomicLong nextId = new AtomicLong();

    private NodeProcess(NodeAddress address, Process process) {
        this.address = address;
        this.process = process;
        this.requests = process.getOutputStream();
        final Thread reader = new Thread(this::readAnswers, "answers-of-" + address);
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts a child JVM running one node and waits until it says it is ready. The child gets this JVM's module
     * path and class path as its class path (every Skiff module ships META-INF/services), and the flag Agrona
     * needs there.
     */
    static NodeProcess start(NodeAddress address, Path dataDirectory, Duration electionTimeoutMin,
        Duration electionTimeoutMax, Duration heartbeatInterval, List<NodeAddress> peers) {
        final List<String> command = new ArrayList<>(List.of(
            ProcessHandle.current().info().command().orElse("java"),
            "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
            "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-cp", System.getProperty("jdk.module.path", "") + File.pathSeparator
                + System.getProperty("java.class.path"),
            NodeProcessMain.class.getName(),
            address.toString(), dataDirectory.toString(), Long.toString(electionTimeoutMin.toMillis()),
            Long.toString(electionTimeoutMax.toMillis()), Long.toString(heartbeatInterval.toMillis())));
        peers.forEach(peer -> command.add(peer.toString()));
        final Process process;
        try {
            process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a node process for " + address, e);
        }
        ALIVE.add(process);
        final NodeProcess node = new NodeProcess(address, process);
        try {
            node.ready.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            node.close();
            throw new AssertionError("the node process for " + address + " did not start: " + e, e);
        }
        return node;
    }

    NodeAddress address() {
        return address;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Writes a key; fails when the node answers with an error. */
    void put(String key, String value) {
        expect(request("put " + key + " " + value).join(), "ok");
    }

    /** @return a future of the write's answer: {@code ok}, or {@code error ...}. */
    CompletableFuture<String> putAsync(String key, String value) {
        return request("put " + key + " " + value);
    }

    /** @return the value of a key, read linearizably ({@code local} false) or from this node's state alone. */
    Optional<String> get(String key, boolean local) {
        final String answer = request((local ? "lget " : "get ") + key).join();
        if ("none".equals(answer)) {
            return Optional.empty();
        }
        expect(answer, "value ");
        return Optional.of(answer.substring("value ".length()));
    }

    Status status() {
        final String[] fields = request("status").join().split(" ");
        if (fields.length != 6 || !"status".equals(fields[0])) {
            throw new AssertionError(address + " answered status with '" + String.join(" ", fields) + "'");
        }
        return new Status(NodeState.valueOf(fields[1]), Long.parseLong(fields[2]), fields[3],
            Long.parseLong(fields[4]), Long.parseLong(fields[5]));
    }

    /**
     * Kills the child with SIGKILL, waits for it to be gone, and removes the media driver directory it could not
     * remove itself (named after its pid, under /dev/shm or the temporary directory).
     */
    void kill() {
        process.destroyForcibly();
        awaitExit();
        removeDriverDirectories();
    }

    /** Closes the child's input (its cue to stop cleanly), and kills it if it has not exited soon after. */
    @Override
    public void close() {
        try {
            requests.close();
        } catch (IOException ignored) {
            // The child is gone already; the wait below confirms it.
        }
        try {
            if (!process.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                awaitExit();
                removeDriverDirectories();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        ALIVE.remove(process);
    }

    private CompletableFuture<String> request(String request) {
        final long id = nextId.incrementAndGet();
        final CompletableFuture<String> answer = new CompletableFuture<>();
        pending.put(id, answer);
        try {
            synchronized (requests) {
                requests.write((id + " " + request + "\n").getBytes(StandardCharsets.UTF_8));
                requests.flush();
            }
        } catch (IOException e) {
            pending.remove(id);
            answer.completeExceptionally(new AssertionError(address + " cannot take requests: " + e, e));
        }
        return answer.orTimeout(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void expect(String answer, String prefix) {
        if (!answer.startsWith(prefix)) {
            throw new AssertionError(address + " answered '" + answer + "', expected '" + prefix + "...'");
        }
    }

    private void readAnswers() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
            StandardCharsets.UTF_8))) {
            String line;
            while (null != (line = in.readLine())) {
                if ("ready".equals(line)) {
                    ready.complete(null);
                    continue;
                }
                final int space = line.indexOf(' ');
                final CompletableFuture<String> answer = space < 0 ? null
                    : pending.remove(Long.parseLong(line.substring(0, space)));
                if (null != answer) {
                    answer.complete(line.substring(space + 1));
                }
            }
        } catch (IOException | NumberFormatException e) {
            ready.completeExceptionally(e);
        }
        final AssertionError gone = new AssertionError("the node process for " + address + " exited");
        ready.completeExceptionally(gone);
        pending.values().forEach(answer -> answer.completeExceptionally(gone));
    }

    private void awaitExit() {
        try {
            if (!process.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("the node process for " + address + " did not exit after SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + address + " to exit", e);
        }
        ALIVE.remove(process);
    }

    private void removeDriverDirectories() {
        final String prefix = "skiff-aeron-" + process.pid() + "-";
        for (Path base : List.of(Path.of("/dev/shm"), Path.of(System.getProperty("java.io.tmpdir")))) {
            if (!Files.isDirectory(base)) {
                continue;
            }
            try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(base, prefix + "*")) {
                for (Path leftover : leftovers) {
                    deleteRecursively(leftover);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove the media driver directory of killed process "
                    + process.pid(), e);
            }
        }
    }

    private static void deleteRecursively(Path directory) throws IOException {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : (Iterable<Path>)paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(path);
            }
        }
    }
}
