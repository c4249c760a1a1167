package io.skiff.cli.demo;

import io.skiff.KeyValue;
import io.skiff.NodeAddress;
import io.skiff.NodeState;
import io.skiff.NodeStats;
import io.skiff.RangeOptions;
import io.skiff.ReadConsistency;
import io.skiff.Skiff;
import io.skiff.SkiffNode;
import io.skiff.SkiffOptions;
import io.skiff.cli.CliException;
import io.skiff.cli.ExitCodes;

import java.io.PrintStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * One run of the demo, step by step: start, elect, load, stop the leader, fail over, load again, restart the old
 * leader and let it catch up, check every acknowledged write, print the counters.
 */
final class DemoRun {
    /** How long an election or a catch-up may take before the demo gives up. */
    static final Duration STEP_TIMEOUT = Duration.ofSeconds(20);
    /** Entries per page when reading everything back. */
    static final int CHECK_PAGE = 5000;
    private static final long PROGRESS_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(250);
    private static final long PROGRESS_LINE_INTERVAL_NS = TimeUnit.SECONDS.toNanos(1);
    private static final long POLL_NS = TimeUnit.MILLISECONDS.toNanos(2);

    private final PrintStream out;
    private final Path directory;
    private final int phaseSeconds;
    private final int clients;
    /** On a terminal the progress line rewrites itself; elsewhere (a log, a pipe) it prints a line a second. */
    private final boolean terminal = null != System.console();
    private final long startNs = System.nanoTime();
    private final List<NodeAddress> addresses = new ArrayList<>();
    private final Map<NodeAddress, SkiffNode> nodes = new HashMap<>();

    DemoRun(PrintStream out, Path directory, int phaseSeconds, int clients) {
        this.out = out;
        this.directory = directory;
        this.phaseSeconds = phaseSeconds;
        this.clients = clients;
    }

    int run() {
        try {
            return steps();
        } finally {
            nodes.values().forEach(SkiffNode::close);
        }
    }

    private int steps() {
        for (int port : freeUdpPorts(3)) {
            addresses.add(NodeAddress.parse("/ip4/127.0.0.1/udp/" + port));
        }
        say("Skiff demo: 3 nodes in this process, Aeron UDP on 127.0.0.1, Xodus in " + directory);
        say("starting " + addresses.stream().map(Object::toString).collect(Collectors.joining(", ")));
        join(CompletableFuture.allOf(addresses.stream().map(address -> start(address).start())
            .toArray(CompletableFuture[]::new)), "start the nodes");
        final long electionStartNs = System.nanoTime();
        final SkiffNode first = awaitLeader(List.copyOf(nodes.values()));
        say("leader elected: " + first.address() + " (term " + first.term() + ") after "
            + millisSince(electionStartNs) + " ms");

        final Workload workload = new Workload(clients, List.copyOf(nodes.values()));
        say("workload: " + clients + " clients, 9 writes of a new key for each read of an acknowledged one, sent "
            + "to any node");
        workload.start();
        progress(workload, phaseSeconds);

        say("stopping the leader " + first.address() + " abruptly, under load");
        final List<SkiffNode> survivors = nodes.values().stream().filter(node -> node != first)
            .collect(Collectors.toList());
        workload.live(survivors);
        final long killNs = System.nanoTime();
        first.close();
        nodes.remove(first.address());
        final SkiffNode second = awaitLeader(survivors);
        final long electedMs = millisSince(killNs);
        final long electedNs = System.nanoTime();
        awaitTrue(() -> workload.lastAcknowledgedNs() - electedNs > 0, "a write acknowledged by the new leader");
        say("failover: " + second.address() + " leads (term " + second.term() + "), elected " + electedMs
            + " ms after the stop; writes resumed after " + millisSince(killNs) + " ms");
        progress(workload, phaseSeconds);
        workload.stop();
        endProgress(workload);

        say("restarting " + first.address() + " on its data");
        final long restartNs = System.nanoTime();
        final SkiffNode restarted = start(first.address());
        join(restarted.start(), "restart " + first.address());
        final long target = second.stats().commitIndex();
        awaitTrue(() -> restarted.stats().appliedIndex() >= target, first.address() + " to catch up to index "
            + target);
        say("caught up: " + restarted.address() + " applied index " + target + " " + millisSince(restartNs)
            + " ms after its restart");

        final int lost = check(workload, second, ReadConsistency.LINEARIZABLE)
            + check(workload, restarted, ReadConsistency.LOCAL);
        printStats();
        return verdict(workload, lost);
    }

    private int verdict(Workload workload, int lost) {
        final long[] latency = workload.latencies().overall();
        say(String.format("%,d writes and %,d reads acknowledged, %,d operations failed or cut short by the stop "
            + "(never acknowledged, so not checked)", workload.writes(), workload.reads(), workload.failed()));
        if (null != latency) {
            say("latency: p50 " + Latencies.millis(latency[0]) + ", p99 " + Latencies.millis(latency[1]) + ", max "
                + Latencies.millis(latency[2]) + " (including the failover)");
        }
        if (workload.wrongReads() > 0) {
            say("FAILED: " + workload.wrongReads() + " reads did not return the acknowledged value, e.g. "
                + workload.wrongReadExamples());
        }
        if (lost > 0 || workload.wrongReads() > 0) {
            say("FAILED: the cluster lost or misread acknowledged writes");
            return ExitCodes.CHECK_FAILED;
        }
        say(String.format("OK: no acknowledged write was lost (%,d checked on two nodes)",
            workload.acknowledged().size()));
        return ExitCodes.OK;
    }

    private SkiffNode start(NodeAddress address) {
        final SkiffOptions options = SkiffOptions.builder()
            .peers(addresses.stream().filter(peer -> !peer.equals(address)).collect(Collectors.toList()))
            .storage("xodus")
            .location(directory)
            .build();
        final SkiffNode node = Skiff.node(address, options);
        nodes.put(address, node);
        return node;
    }

    /** Reads every entry back from one node and counts the acknowledged writes it lacks or holds otherwise. */
    private int check(Workload workload, SkiffNode node, ReadConsistency consistency) {
        final Map<String, String> found = new HashMap<>();
        RangeOptions page = RangeOptions.all().gte("demo-").lt("demo.").limit(CHECK_PAGE).consistency(consistency);
        while (true) {
            final List<KeyValue> entries = join(node.levelup().range(page), "read back from " + node.address());
            entries.forEach(entry -> found.put(entry.keyString(), entry.valueString()));
            if (entries.size() < CHECK_PAGE) {
                break;
            }
            page = page.gt(entries.get(entries.size() - 1).key());
        }
        int lost = 0;
        for (Map.Entry<String, String> write : workload.acknowledged().entrySet()) {
            if (!write.getValue().equals(found.get(write.getKey()))) {
                if (lost < 5) {
                    say("LOST on " + node.address() + ": " + write.getKey() + " = " + write.getValue() + ", found "
                        + found.get(write.getKey()));
                }
                lost++;
            }
        }
        say(String.format("read back %,d entries from %s (%s): %s", found.size(), node.address(),
            consistency.name().toLowerCase(), 0 == lost ? "every acknowledged write is there" : lost + " missing"));
        return lost;
    }

    private void printStats() {
        final String format = "%-26s %-9s %5s %8s %8s %10s %10s %10s %9s %9s%n";
        out.println();
        out.printf(format, "node", "role", "term", "commit", "applied", "msgs sent", "msgs recv", "appends",
            "elections", "forwarded");
        for (NodeAddress address : addresses) {
            final NodeStats stats = nodes.get(address).stats();
            out.printf(format, address, stats.state(), stats.term(), stats.commitIndex(), stats.appliedIndex(),
                stats.messagesSent(), stats.messagesReceived(), stats.rpcsSent().getOrDefault("AppendEntries", 0L),
                stats.counter("elections"), stats.counter("commandsForwarded"));
        }
        out.println("(the restarted node's counters start from its restart)");
        out.println();
    }

    /** Runs the workload for a while, printing its progress. */
    private void progress(Workload workload, int seconds) {
        final long endNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long lastWrites = workload.writes();
        long lastNs = System.nanoTime();
        long nextLineNs = lastNs + PROGRESS_LINE_INTERVAL_NS;
        while (System.nanoTime() - endNs < 0) {
            LockSupport.parkNanos(PROGRESS_INTERVAL_NS);
            final long nowNs = System.nanoTime();
            if (!terminal && nowNs - nextLineNs < 0) {
                continue;
            }
            final long writes = workload.writes();
            final long perSecond = (writes - lastWrites) * TimeUnit.SECONDS.toNanos(1) / Math.max(1, nowNs - lastNs);
            final long[] latency = workload.latencies().takeInterval();
            final String p50 = null == latency ? "-" : Latencies.millis(latency[0]);
            final String p99 = null == latency ? "-" : Latencies.millis(latency[1]);
            final String line = String.format("%6.1fs  writes %,8d  %,7d/s  reads %,6d  p50 %8s  p99 %8s  failed %,d",
                (nowNs - startNs) / 1e9, writes, perSecond, workload.reads(), p50, p99, workload.failed());
            if (terminal) {
                out.print("\r" + line);
                out.flush();
            } else {
                out.println(line);
            }
            lastWrites = writes;
            lastNs = nowNs;
            nextLineNs = nowNs + PROGRESS_LINE_INTERVAL_NS;
        }
    }

    private void endProgress(Workload workload) {
        if (terminal) {
            out.println();
        }
        say(String.format("workload stopped: %,d writes acknowledged", workload.writes()));
    }

    private SkiffNode awaitLeader(List<SkiffNode> candidates) {
        final SkiffNode[] leader = new SkiffNode[1];
        awaitTrue(() -> {
            final List<SkiffNode> leaders = candidates.stream().filter(node -> node.state() == NodeState.LEADER)
                .collect(Collectors.toList());
            if (leaders.size() != 1) {
                return false;
            }
            leader[0] = leaders.get(0);
            return candidates.stream().allMatch(node -> node.leader().map(leader[0].address()::equals).orElse(false));
        }, "a leader that every node follows");
        return leader[0];
    }

    private static void awaitTrue(BooleanSupplier condition, String what) {
        final long deadlineNs = System.nanoTime() + STEP_TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadlineNs > 0) {
                throw new CliException(ExitCodes.CHECK_FAILED, "gave up waiting for " + what + " after "
                    + STEP_TIMEOUT.toSeconds() + " s");
            }
            LockSupport.parkNanos(POLL_NS);
        }
    }

    private static <T> T join(CompletableFuture<T> future, String what) {
        try {
            return future.get(STEP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new CliException(ExitCodes.CHECK_FAILED, "could not " + what + ": " + e.getCause().getMessage());
        } catch (TimeoutException e) {
            throw new CliException(ExitCodes.CHECK_FAILED, "could not " + what + " within "
                + STEP_TIMEOUT.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.FAILED, "interrupted");
        }
    }

    private void say(String message) {
        out.println(String.format("%6.1fs  ", (System.nanoTime() - startNs) / 1e9) + message);
    }

    private static long millisSince(long startNs) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
    }

    /** Holds every socket until all ports are known, so that the kernel cannot hand out one port twice. */
    private static int[] freeUdpPorts(int count) {
        final DatagramSocket[] sockets = new DatagramSocket[count];
        try {
            final int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                sockets[i] = new DatagramSocket(0, InetAddress.getLoopbackAddress());
                ports[i] = sockets[i].getLocalPort();
            }
            return ports;
        } catch (SocketException e) {
            throw new CliException(ExitCodes.FAILED, "no free UDP port on 127.0.0.1: " + e);
        } finally {
            for (DatagramSocket socket : sockets) {
                if (null != socket) {
                    socket.close();
                }
            }
        }
    }
}
