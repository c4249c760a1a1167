package io.skiff.cli.node;

import io.skiff.cli.Await;
import io.skiff.cli.Cli;
import io.skiff.cli.ExitCodes;
import io.skiff.cli.Http;
import io.skiff.cli.Ports;
import io.skiff.cli.SkiffProcess;
import io.skiff.cli.json.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code skiff node} end to end: three processes started through the launcher script, on Aeron UDP and Xodus in
 * temporary directories, driven over HTTP and with the command line; the leader is killed with SIGKILL, a new one
 * serves, the killed node restarts and catches up, and SIGTERM stops every node cleanly.
 */
class NodeProcessTest {
    @TempDir
    Path directory;

    private final Map<Member, SkiffProcess> running = new HashMap<>();
    private final Map<Member, Integer> starts = new HashMap<>();

    @AfterEach
    void killAll() {
        running.values().forEach(SkiffProcess::close);
    }

    /** One node's ports and directories; its arguments name the others as peers. */
    private record Member(int index, String address, int httpPort, Path data, Path aeron) {
        String url() {
            return "http://127.0.0.1:" + httpPort;
        }
    }

    @Test
    void threeNodeProcessesServeSurviveTheKillOfTheirLeaderAndTheKilledNodeCatchesUp() {
        final List<Member> members = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            members.add(new Member(i, "/ip4/127.0.0.1/udp/" + Ports.freeUdp(), Ports.freeTcp(),
                directory.resolve("data-" + i), directory.resolve("aeron-" + i)));
        }
        members.forEach(member -> start(member, members));
        members.forEach(member -> running.get(member).awaitLine("http gateway listening on " + member.url()));

        final Member first = awaitLeader(members);
        final List<Member> followers = others(members, first);
        assertThat(Http.put(followers.get(0).url() + "/kv/k1", "v1").status()).isEqualTo(204);
        for (Member member : members) {
            assertThat(Http.get(member.url() + "/kv/k1").text()).as("k1 read on node %d", member.index())
                .isEqualTo("v1");
        }
        usesTheCommandLineAgainst(first, followers.get(1));
        refusesBadRequests(followers.get(1));

        running.get(first).kill();
        final List<Member> survivors = others(members, first);
        final Member second = awaitLeader(survivors);
        final Member remaining = others(survivors, second).get(0);
        Await.value("a write through " + remaining.address() + " after the failover",
            () -> Http.put(remaining.url() + "/kv/k3", "v3").status(), status -> status == 204);
        for (Member member : survivors) {
            assertThat(Http.get(member.url() + "/kv/k1").text()).as("k1 on node %d", member.index()).isEqualTo("v1");
            assertThat(Http.get(member.url() + "/kv/k3").text()).as("k3 on node %d", member.index()).isEqualTo("v3");
        }

        start(first, members);
        running.get(first).awaitLine("http gateway listening on " + first.url());
        Await.value(first.address() + " to catch up", () -> Http.get(first.url() + "/kv/k3?consistency=local").text(),
            "v3"::equals);
        assertThat(Http.get(first.url() + "/kv/k1?consistency=local").text()).isEqualTo("v1");
        assertThat(Await.value("the restarted node to follow " + second.address(),
            () -> status(first).get("leader"), second.address()::equals)).isNotNull();

        for (Member member : members) {
            running.get(member).terminate();
        }
        for (Member member : members) {
            final SkiffProcess process = running.get(member);
            assertThat(process.awaitExit()).as("exit status after SIGTERM").isEqualTo(143);
            assertThat(process.output()).as("node %d", member.index()).contains(member.address() + " stopping")
                .contains(member.address() + " stopped cleanly");
        }
        assertThat(running.get(second).output()).contains(second.address() + " became leader");
    }

    @Test
    void aNodeThatCannotStartExitsWithThreeSayingWhy() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            final Member member = new Member(1, "/ip4/127.0.0.1/udp/" + Ports.freeUdp(), taken.getLocalPort(),
                directory.resolve("data"), directory.resolve("aeron"));
            final SkiffProcess process = start(member, List.of(member));

            assertThat(process.awaitExit()).isEqualTo(ExitCodes.FAILED);
            assertThat(process.output()).contains("skiff: cannot serve HTTP on 127.0.0.1:" + taken.getLocalPort());
        }
    }

    private void usesTheCommandLineAgainst(Member leader, Member follower) {
        assertThat(Cli.run("put", "k2", "v2", "--node", follower.url()).exitCode()).isZero();
        assertThat(Cli.run("get", "k2", "--node", leader.url()).out()).isEqualTo("v2\n");
        assertThat(Cli.run("scan", "--node", follower.url()).out()).isEqualTo("k1\tv1\nk2\tv2\n");
        assertThat(Cli.run("status", "--node", leader.url()).out()).contains("role      LEADER")
            .contains("leader    " + leader.address());
        assertThat(Cli.run("del", "k2", "--node", follower.url()).exitCode()).isZero();
        final Cli.Result absent = Cli.run("get", "k2", "--node", follower.url());
        assertThat(absent.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(absent.err()).contains("key 'k2' not found");
    }

    private static void refusesBadRequests(Member member) {
        final Http.Reply badLimit = Http.get(member.url() + "/kv?limit=lots");
        final Http.Reply tooLarge = Http.put(member.url() + "/kv/big", "x".repeat(70_000));
        final Http.Reply badBatch = Http.post(member.url() + "/batch", "[{\"type\": \"put\"}]");

        assertThat(badLimit.status()).isEqualTo(400);
        assertThat(badLimit.text()).contains("parameter 'limit' is 'lots'");
        assertThat(tooLarge.status()).isEqualTo(413);
        assertThat(tooLarge.text()).contains("too large");
        assertThat(badBatch.status()).isEqualTo(400);
        assertThat(badBatch.text()).contains("operation 0 has no 'key'");
    }

    private SkiffProcess start(Member member, List<Member> members) {
        final String peers = others(members, member).stream().map(Member::address).collect(Collectors.joining(","));
        // A media driver killed with SIGKILL leaves a directory that looks active for its 10 s timeout, so a restart
        // right after gets a fresh one (the default, a new directory per process, needs no such care).
        final int start = starts.merge(member, 1, Integer::sum);
        final List<String> args = new ArrayList<>(List.of("node", "--address", member.address(),
            "--http", String.valueOf(member.httpPort()), "--data", member.data().toString(),
            "--aeron-dir", member.aeron() + "-" + start));
        if (!peers.isEmpty()) {
            args.addAll(List.of("--peers", peers));
        }
        final SkiffProcess process = SkiffProcess.start("node " + member.index(), args.toArray(String[]::new));
        running.put(member, process);
        return process;
    }

    /** @return the member that leads, once every member reports the same leader. */
    private Member awaitLeader(List<Member> members) {
        final String leader = Await.value("one leader known to " + members.stream().map(Member::address)
            .collect(Collectors.toList()), () -> {
                final List<Object> leaders = members.stream().map(member -> status(member).get("leader"))
                    .distinct().collect(Collectors.toList());
                return leaders.size() == 1 && null != leaders.get(0) ? (String)leaders.get(0) : null;
            }, address -> null != address && members.stream().anyMatch(member -> member.address().equals(address)));
        return members.stream().filter(member -> member.address().equals(leader)).findFirst().orElseThrow();
    }

    private static Map<?, ?> status(Member member) {
        return (Map<?, ?>)Json.parse(Http.get(member.url() + "/status").text());
    }

    private static List<Member> others(List<Member> members, Member excluded) {
        return members.stream().filter(member -> member != excluded).collect(Collectors.toList());
    }
}
