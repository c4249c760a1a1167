package io.skiff.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A cluster of {@code skiff node} processes on 127.0.0.1, each on a free UDP port with its gateway on a free TCP port
 * and its data and log under the run's directory, and what the nemesis does to them: SIGKILL and restart, SIGSTOP and
 * SIGCONT, leave and rejoin. {@link #close()} kills every process it started, paused or not, and a shutdown hook does
 * the same if the JVM ends first.
 */
final class ProcessCluster implements AutoCloseable {
    /** How long a started node may take to answer its status: JVMs start slowly on a busy two-core machine. */
    static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final long POLL_NS = TimeUnit.MILLISECONDS.toNanos(100);

    private final Path launcher;
    private final Path directory;
    private final Gateway admin;
    private final Duration requestTimeout;
    private final List<Member> members = new ArrayList<>();
    private final Map<Member, NodeProcess> running = new HashMap<>();
    private final Set<Member> paused = Collections.synchronizedSet(new HashSet<>());
    private final Thread killer = new Thread(this::killAll, "fault-cluster-killer");

    /**
     * @param launcher       the {@code skiff} script.
     * @param directory      where the nodes' data and logs go.
     * @param size           how many nodes.
     * @param requestTimeout the gateways' {@code --request-timeout-ms}.
     */
    ProcessCluster(Path launcher, Path directory, int size, Duration requestTimeout) {
        this.launcher = launcher;
        this.directory = directory;
        this.requestTimeout = requestTimeout;
        this.admin = new Gateway(Duration.ofSeconds(5));
        for (int i = 1; i <= size; i++) {
            members.add(new Member(i, freeUdpPort(), freeTcpPort(), directory.resolve("data-" + i)));
        }
        Runtime.getRuntime().addShutdownHook(killer);
    }

    List<Member> members() {
        return List.copyOf(members);
    }

    Gateway admin() {
        return admin;
    }

    /** Starts every node and waits until one of them leads and every one answers. */
    void start() {
        members.forEach(member -> start(member, peersOf(member)));
        for (Member member : members) {
            await(member + " to answer its status", () -> admin.status(member), null, START_TIMEOUT);
        }
        awaitLeader(START_TIMEOUT);
    }

    private List<String> peersOf(Member member) {
        return members.stream().filter(other -> other != member).map(Member::address).collect(Collectors.toList());
    }

    private synchronized void start(Member member, List<String> peers) {
        running.put(member, NodeProcess.start(launcher, member, peers, requestTimeout, log(member)));
    }

    Path log(Member member) {
        return directory.resolve("node-" + member.index() + ".log");
    }

    /** @return the leader, once there is one. */
    Member awaitLeader(Duration timeout) {
        return await("a leader", this::leader, null, timeout);
    }

    /**
     * @return the running node that calls itself leader in the highest term (a deposed leader just resumed may
     *     still call itself so in an older one), or {@code null} when none does right now.
     */
    Member leader() {
        Member leader = null;
        long term = -1;
        for (Member member : members) {
            if (!isPaused(member) && isRunning(member)) {
                final NodeStatus status = admin.status(member);
                if (null != status && status.isLeader() && status.term() > term) {
                    leader = member;
                    term = status.term();
                }
            }
        }
        return leader;
    }

    synchronized boolean isRunning(Member member) {
        final NodeProcess process = running.get(member);
        return null != process && process.isAlive();
    }

    boolean isPaused(Member member) {
        return paused.contains(member);
    }

    /** SIGKILL. */
    synchronized void kill(Member member) {
        paused.remove(member);
        running.get(member).kill();
    }

    /** Starts a killed node again on its data. */
    void restart(Member member) {
        start(member, peersOf(member));
    }

    void pause(Member member) {
        paused.add(member);
        process(member).signal("STOP");
    }

    void resume(Member member) {
        process(member).signal("CONT");
        paused.remove(member);
    }

    private synchronized NodeProcess process(Member member) {
        return running.get(member);
    }

    /**
     * The member leaves through consensus (asked of another node), stops with SIGTERM, loses its data, starts
     * again as a new node with the others as peers, and joins through consensus, as the README says to add a node.
     *
     * @param hold how long it stays out.
     */
    void leaveAndRejoin(Member member, Duration hold) {
        final Supplier<Member> other = () -> members.stream().filter(m -> m != member && isRunning(m))
            .findFirst().orElseThrow();
        await(member + " to leave", () -> {
            final Gateway.Reply reply = admin.leave(other.get(), member);
            return 200 == reply.status() ? reply : null;
        }, null, START_TIMEOUT);
        process(member).terminate();
        deleteTree(member.data());
        LockSupport.parkNanos(hold.toNanos());
        start(member, peersOf(member));
        await(member + " to answer its status", () -> admin.status(member), null, START_TIMEOUT);
        await(member + " to join", () -> {
            final Gateway.Reply reply = admin.join(other.get(), member);
            return 200 == reply.status() ? reply : null;
        }, null, START_TIMEOUT);
    }

    /** Resumes every paused node and starts every stopped one: what healing leaves behind is the whole cluster. */
    void heal() {
        for (Member member : members) {
            if (isPaused(member)) {
                resume(member);
            }
            if (!isRunning(member)) {
                restart(member);
            }
        }
    }

    /**
     * Waits until every node answers, all agree on one leader, which reports every member as a voter, and every
     * node has applied all it knows committed at the leader's commit index, twice in a row.
     *
     * @return the statuses at convergence.
     * @throws AssertionError with every node's last status when they do not converge in time.
     */
    Map<Member, NodeStatus> awaitConvergence(Duration timeout) {
        final AtomicReference<Map<Member, NodeStatus>> last = new AtomicReference<>();
        final long[] lastCommit = {-1};
        return await("every node to converge", () -> {
            final Map<Member, NodeStatus> statuses = new HashMap<>();
            for (Member member : members) {
                statuses.put(member, admin.status(member));
            }
            last.set(statuses);
            if (statuses.containsValue(null)) {
                return null;
            }
            final Set<String> leaders = statuses.values().stream().map(NodeStatus::leader).collect(Collectors.toSet());
            final Set<Long> applied = statuses.values().stream().map(NodeStatus::appliedIndex)
                .collect(Collectors.toSet());
            final Set<Long> committed = statuses.values().stream().map(NodeStatus::commitIndex)
                .collect(Collectors.toSet());
            final NodeStatus leader = statuses.values().stream().filter(NodeStatus::isLeader).findFirst().orElse(null);
            final boolean converged = 1 == leaders.size() && !leaders.contains(null) && null != leader
                && leader.voters() == members.size() && 1 == applied.size() && applied.equals(committed);
            final long commit = committed.stream().max(Comparator.naturalOrder()).orElse(-1L);
            final boolean stable = converged && commit == lastCommit[0];
            lastCommit[0] = converged ? commit : -1;
            return stable ? statuses : null;
        }, () -> "last statuses: " + last.get(), timeout);
    }

    /** @return each member's value of each key, read locally. */
    Map<Member, Map<String, String>> localValues(List<String> keys) {
        final Map<Member, Map<String, String>> values = new HashMap<>();
        for (Member member : members) {
            final Map<String, String> state = new HashMap<>();
            for (String key : keys) {
                state.put(key, admin.localValue(member, key));
            }
            values.put(member, state);
        }
        return values;
    }

    <T> T await(String what, Supplier<T> probe, Supplier<String> detail, Duration timeout) {
        final long deadline = System.nanoTime() + timeout.toNanos();
        RuntimeException failure = null;
        while (System.nanoTime() - deadline < 0) {
            try {
                final T value = probe.get();
                if (null != value) {
                    return value;
                }
            } catch (RuntimeException e) {
                failure = e;
            }
            LockSupport.parkNanos(POLL_NS);
        }
        throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what
            + (null == detail ? "" : "; " + detail.get()) + (null == failure ? "" : "; last failure: " + failure));
    }

    /** Kills every process this cluster started, paused or not (SIGKILL reaches a stopped process too). */
    @Override
    public void close() {
        killAll();
        try {
            Runtime.getRuntime().removeShutdownHook(killer);
        } catch (IllegalStateException shuttingDown) {
            // The hook is running or has run: it kills them too.
        }
    }

    private synchronized void killAll() {
        running.values().forEach(NodeProcess::kill);
        paused.clear();
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }

    private static int freeUdpPort() {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free UDP port on 127.0.0.1", e);
        }
    }

    private static int freeTcpPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free TCP port on 127.0.0.1", e);
        }
    }
}
