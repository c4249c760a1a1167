package io.skiff.examples.tcp;

import io.skiff.NodeAddress;
import io.skiff.NodeState;
import io.skiff.ReadConsistency;
import io.skiff.Skiff;
import io.skiff.SkiffEvent;
import io.skiff.SkiffNode;
import io.skiff.SkiffOptions;
import io.skiff.spi.Providers;
import io.skiff.spi.StorageProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whole clusters over the tcp transport, found by its protocol like any other: the scenarios the built-in transports
 * are tested with (election, replication, failover, peers that start late or restart, garbage on the wire).
 */
class TcpClusterTest {
    /** One "disk" for every node of a test, so that a restarted node finds its data. */
    private final StorageProvider disk = Providers.storage("memory");
    private final Map<NodeAddress, SkiffNode> running = new LinkedHashMap<>();
    private final Map<NodeAddress, List<SkiffEvent>> events = new LinkedHashMap<>();
    private List<NodeAddress> addresses;

    @AfterEach
    void stopNodes() {
        running.values().forEach(SkiffNode::close);
    }

    @Test
    void threeNodesElectOneLeaderAndReplicateWritesMadeOnAnyNode() {
        startCluster();
        final SkiffNode leader = awaitLeader();
        final SkiffNode follower = followers(leader).get(0);

        Await.result(leader.levelup().put("from-leader", "1"));
        Await.result(follower.levelup().put("from-follower", "2"));

        for (SkiffNode node : running.values()) {
            assertThat(Await.result(node.levelup().get("from-leader"))).as("read on %s", node).contains("1");
            assertThat(Await.result(node.levelup().get("from-follower"))).as("read on %s", node).contains("2");
            assertThat(node.leader()).as("leader known to %s", node).contains(leader.address());
        }
        assertThat(running.values().stream().filter(node -> node.state() == NodeState.LEADER)).hasSize(1);
        assertThat(follower.stats().counter("commandsForwarded")).isPositive();
        assertThat(leader.stats().counter("transport.framesSent")).isPositive();
    }

    @Test
    void whenTheLeaderStopsAnotherIsElectedAndTheOldOneCatchesUpAfterItsRestart() {
        startCluster();
        final SkiffNode first = awaitLeader();
        final long firstTerm = first.term();
        Await.result(first.levelup().put("before", "1"));

        stop(first);
        final SkiffNode second = awaitLeader();
        for (int i = 0; i < 30; i++) {
            second.levelup().put("after-" + i, "2");
        }
        Await.result(second.levelup().put("after", "2"));
        final SkiffNode restarted = start(first.address());

        assertThat(second.address()).isNotEqualTo(first.address());
        assertThat(second.term()).isGreaterThan(firstTerm);
        Await.until(restarted + " caught up", () -> Await.result(restarted.levelup().get("after",
            ReadConsistency.LOCAL)).isPresent());
        assertThat(Await.result(restarted.levelup().get("before", ReadConsistency.LOCAL))).contains("1");
        Await.until(second + " saw " + restarted + " connect again",
            () -> connectionEvents(second.address(), restarted.address()).size() >= 3);
        assertThat(connectionEvents(second.address(), restarted.address()))
            .containsExactly("connected", "disconnected", "connected");
    }

    @Test
    void aNodeWhosePeersHaveNotStartedFormsAClusterOnceTheyStart() {
        addresses = List.of(Loopback.freeAddress(), Loopback.freeAddress(), Loopback.freeAddress());
        final SkiffNode a = start(addresses.get(0));
        Await.until(a + " tried to reach its absent peers", () -> a.stats().counter("sendNotConnected") > 0
            && a.stats().counter("transport.connectFailures") > 0);
        assertThat(a.state()).isNotEqualTo(NodeState.LEADER);

        start(addresses.get(1));
        final SkiffNode leader = awaitLeader();
        Await.result(leader.levelup().put("early", "bird"));
        final SkiffNode c = start(addresses.get(2));

        Await.until(c + " caught up", () -> Await.result(c.levelup().get("early", ReadConsistency.LOCAL))
            .isPresent());
    }

    @Test
    void garbageOnTheWireIsDroppedCountedAndReportedWhileTheClusterServes() throws IOException {
        startCluster();
        final SkiffNode leader = awaitLeader();
        final long term = leader.term();
        final Random random = new Random(7);

        for (SkiffNode node : running.values()) {
            // Well-framed garbage reaches the node, which must reject every frame itself...
            try (Socket socket = new Socket(node.address().host(), node.address().port())) {
                final OutputStream out = socket.getOutputStream();
                out.write(TcpTransport.PREAMBLE);
                for (int i = 0; i < 20; i++) {
                    final byte[] frame = new byte[random.nextInt(200)];
                    random.nextBytes(frame);
                    out.write(ByteBuffer.allocate(Integer.BYTES).putInt(frame.length).array());
                    out.write(frame);
                }
            }
            // ...while a broken stream is the transport's to reject.
            try (Socket socket = new Socket(node.address().host(), node.address().port())) {
                socket.getOutputStream().write(new byte[]{0x16, 0x03, 0x01, 0x02, 0x00});
            }
        }

        for (SkiffNode node : running.values()) {
            Await.until("20 malformed frames and one rejected stream counted by " + node,
                () -> node.stats().counter("framesMalformed") == 20
                    && node.stats().counter("transport.streamsRejected") == 1);
        }
        for (SkiffNode node : running.values()) {
            Await.result(node.levelup().put("alive-" + node.address().port(), "yes"));
        }
        for (SkiffNode node : running.values()) {
            assertThat(Await.result(node.levelup().range())).as("entries on %s", node).hasSize(3);
            assertThat(node.term()).as("term of %s", node).isEqualTo(term);
            assertThat(eventsOf(node.address(), SkiffEvent.Warning.class)).as("warnings of %s", node).isNotEmpty();
        }
    }

    private void startCluster() {
        addresses = List.of(Loopback.freeAddress(), Loopback.freeAddress(), Loopback.freeAddress());
        addresses.forEach(this::start);
    }

    private SkiffNode start(NodeAddress address) {
        final SkiffOptions options = SkiffOptions.builder()
            .storage(disk)
            .peers(addresses.stream().filter(peer -> !peer.equals(address)).collect(Collectors.toList()))
            .build();
        final SkiffNode node = Skiff.node(address, options);
        final List<SkiffEvent> log = events.computeIfAbsent(address, a -> Collections.synchronizedList(
            new ArrayList<>()));
        node.on(SkiffEvent.class, log::add);
        Await.result(node.start());
        running.put(address, node);
        return node;
    }

    private void stop(SkiffNode node) {
        node.close();
        running.remove(node.address());
    }

    private SkiffNode awaitLeader() {
        return Await.value("one leader that every running node follows", () -> {
            final List<SkiffNode> leaders = running.values().stream().filter(node -> node.state() == NodeState.LEADER)
                .collect(Collectors.toList());
            if (leaders.size() != 1) {
                return null;
            }
            final NodeAddress leader = leaders.get(0).address();
            return running.values().stream().allMatch(node -> node.leader().map(leader::equals).orElse(false))
                ? leaders.get(0) : null;
        }, leader -> null != leader);
    }

    private List<SkiffNode> followers(SkiffNode leader) {
        return running.values().stream().filter(node -> node != leader).collect(Collectors.toList());
    }

    private <E extends SkiffEvent> List<E> eventsOf(NodeAddress node, Class<E> type) {
        synchronized (events.get(node)) {
            return events.get(node).stream().filter(type::isInstance).map(type::cast).collect(Collectors.toList());
        }
    }

    private List<String> connectionEvents(NodeAddress node, NodeAddress peer) {
        synchronized (events.get(node)) {
            return events.get(node).stream()
                .filter(e -> e instanceof SkiffEvent.Connected && ((SkiffEvent.Connected)e).peer().equals(peer)
                    || e instanceof SkiffEvent.Disconnected && ((SkiffEvent.Disconnected)e).peer().equals(peer))
                .map(e -> e instanceof SkiffEvent.Connected ? "connected" : "disconnected")
                .collect(Collectors.toList());
        }
    }
}
