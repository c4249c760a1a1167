package io.skiff.cli.node;

import io.skiff.cli.Await;
import io.skiff.cli.Http;
import io.skiff.cli.Ports;
import io.skiff.cli.SkiffProcess;
import io.skiff.cli.json.Json;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code skiff node} processes of one cluster on 127.0.0.1, each on free UDP and HTTP ports with its data under one
 * directory; {@link #close()} kills them all and checks, as {@code ps} would, that none is left.
 */
final class NodeCluster implements AutoCloseable {
    /** One node's ports and directories; its arguments name the others as peers. */
    record Member(int index, String address, int udpPort, int httpPort, Path data) {
        String url() {
            return "http://127.0.0.1:" + httpPort;
        }
    }

    private final Path directory;
    private final List<Member> members = new ArrayList<>();
    private final Map<Member, SkiffProcess> running = new HashMap<>();

    /**
     * @param directory where the nodes keep their data; unique to the test, it also finds their processes.
     * @param size      the number of members.
     */
    NodeCluster(Path directory, int size) {
        this.directory = directory;
        for (int i = 1; i <= size; i++) {
            final int udpPort = Ports.freeUdp();
            members.add(new Member(i, "/ip4/127.0.0.1/udp/" + udpPort, udpPort, Ports.freeTcp(),
                directory.resolve("data-" + i)));
        }
    }

    List<Member> members() {
        return members;
    }

    /** Starts every member and waits until each serves HTTP. */
    void startAll() {
        members.forEach(this::start);
        members.forEach(member -> process(member).awaitLine("http gateway listening on " + member.url()));
    }

    /** Starts a member with the default media driver directory, a fresh one under /dev/shm, as deployed. */
    SkiffProcess start(Member member) {
        final List<String> args = new ArrayList<>(List.of("node", "--address", member.address(),
            "--http", String.valueOf(member.httpPort()), "--data", member.data().toString()));
        final String peers = others(member).stream().map(Member::address).collect(Collectors.joining(","));
        if (!peers.isEmpty()) {
            args.addAll(List.of("--peers", peers));
        }
        final SkiffProcess process = SkiffProcess.start("node " + member.index(), args.toArray(String[]::new));
        running.put(member, process);
        return process;
    }

    SkiffProcess process(Member member) {
        return running.get(member);
    }

    /** @return the member that leads, once every given member reports the same leader. */
    Member awaitLeader(List<Member> among) {
        final String leader = Await.value("one leader known to " + among.stream().map(Member::address)
            .collect(Collectors.toList()), () -> {
                final List<Object> leaders = among.stream().map(member -> status(member).get("leader"))
                    .distinct().collect(Collectors.toList());
                return leaders.size() == 1 && null != leaders.get(0) ? (String)leaders.get(0) : null;
            }, address -> null != address && members.stream().anyMatch(member -> member.address().equals(address)));
        return members.stream().filter(member -> member.address().equals(leader)).findFirst().orElseThrow();
    }

    /** @return the member's {@code GET /status} answer. */
    static Map<?, ?> status(Member member) {
        return (Map<?, ?>)Json.parse(Http.get(member.url() + "/status").text());
    }

    /** @return the value of a counter in the member's {@code GET /metrics}, or -1 when it has none. */
    static long metric(Member member, String name) {
        for (String line : Http.get(member.url() + "/metrics").text().split("\n")) {
            if (line.startsWith(name + " ")) {
                return (long)Double.parseDouble(line.substring(name.length() + 1).trim());
            }
        }
        return -1;
    }

    List<Member> others(Member excluded) {
        return members.stream().filter(member -> member != excluded).collect(Collectors.toList());
    }

    /** Kills every node (paused ones too) and checks that no process of this cluster is left. */
    @Override
    public void close() {
        running.values().forEach(SkiffProcess::close);
        final List<String> left = ProcessHandle.allProcesses()
            .filter(process -> process.info().commandLine().orElse("").contains(directory.toString()))
            .map(process -> process.pid() + " " + process.info().commandLine().orElse(""))
            .collect(Collectors.toList());
        assertThat(left).as("processes of the cluster in %s still running", directory).isEmpty();
    }
}
