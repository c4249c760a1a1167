package io.skiff.transport.aeron.cluster;

import io.skiff.KeyValue;
import io.skiff.NodeAddress;
import io.skiff.NodeState;
import io.skiff.ReadConsistency;
import io.skiff.SkiffEvent;
import io.skiff.SkiffNode;
import io.skiff.SkiffOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three Skiff nodes in this JVM over Aeron UDP on 127.0.0.1: election, replication, leader failover, restart and
 * catch-up, connection events, a node started before its peers, and hostile traffic (garbage datagrams on a node's
 * port, malformed and foreign Skiff frames through a real Aeron peer).
 */
class UdpClusterTest {
    private static final long FAILOVER_BOUND_NS = 2 * UdpCluster.ELECTION_TIMEOUT_MAX.toNanos();
    private static final long WRITE_TIMEOUT_S = 15;

    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void closeResources() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    @Test
    void threeNodesElectExactlyOneLeaderThatEveryNodeFollows() {
        final UdpCluster cluster = track(UdpCluster.start(3, UdpCluster.testOptions().build()));

        final SkiffNode leader = cluster.awaitLeader();

        for (int i = 0; i < cluster.size(); i++) {
            final SkiffNode node = cluster.node(i);
            assertThat(node.state()).isEqualTo(node == leader ? NodeState.LEADER : NodeState.FOLLOWER);
            assertThat(node.term()).isEqualTo(leader.term());
            assertThat(node.leader()).contains(leader.address());
        }
    }

    @Test
    void writesOnTheLeaderAndOnFollowersAreReadOnEveryNode() {
        final UdpCluster cluster = track(UdpCluster.start(3, UdpCluster.testOptions().build()));
        final SkiffNode leader = cluster.awaitLeader();
        final Map<String, String> written = new TreeMap<>();

        for (int i = 0; i < cluster.size(); i++) {
            final SkiffNode writer = cluster.node(i);
            for (int k = 0; k < 10; k++) {
                final String key = "key-" + i + "-" + k;
                final String value = (writer == leader ? "leader-" : "follower-") + writer.address().port() + "-" + k;
                put(writer, key, value);
                written.put(key, value);
            }
        }

        for (int i = 0; i < cluster.size(); i++) {
            final SkiffNode reader = cluster.node(i);
            for (Map.Entry<String, String> entry : written.entrySet()) {
                assertThat(get(reader, entry.getKey(), ReadConsistency.LINEARIZABLE))
                    .as("linearizable read of %s on %s", entry.getKey(), reader.address())
                    .contains(entry.getValue());
            }
            assertThat(asStrings(reader.levelup().range().join())).isEqualTo(written);
        }
        cluster.awaitCaughtUp();
        for (int i = 0; i < cluster.size(); i++) {
            final SkiffNode reader = cluster.node(i);
            for (Map.Entry<String, String> entry : written.entrySet()) {
                assertThat(get(reader, entry.getKey(), ReadConsistency.LOCAL))
                    .as("local read of %s on %s", entry.getKey(), reader.address())
                    .contains(entry.getValue());
            }
        }
    }

    @Test
    void aNewLeaderIsElectedWithinTwoElectionTimeoutsOfTheLeaderStoppingAndNoAcknowledgedWriteIsLost()
        throws InterruptedException {
        final UdpCluster cluster = track(UdpCluster.start(3, UdpCluster.testOptions().build()));
        final SkiffNode oldLeader = cluster.awaitLeader();
        final long oldTerm = oldLeader.term();
        final Map<String, String> acknowledged = new ConcurrentHashMap<>();
        for (int i = 0; i < cluster.size(); i++) {
            put(cluster.node(i), "before-" + i, "v" + i);
            acknowledged.put("before-" + i, "v" + i);
        }
        final SkiffNode survivor = cluster.running().stream().filter(node -> node != oldLeader).findFirst()
            .orElseThrow();
        final AtomicBoolean writing = new AtomicBoolean(true);
        final Thread writer = startWriter(survivor, "during-", acknowledged, writing);
        Await.until("the writer got a write acknowledged", () -> acknowledged.size() > cluster.size());

        final long stoppedNs = System.nanoTime();
        cluster.stop(cluster.indexOf(oldLeader.address()));
        final SkiffNode newLeader = Await.value("a surviving node leads in a later term", () ->
            cluster.running().stream().filter(node -> node.state() == NodeState.LEADER && node.term() > oldTerm)
                .findFirst().orElse(null));
        final long failoverNs = System.nanoTime() - stoppedNs;
        final int acknowledgedAtFailover = acknowledged.size();
        Await.until("writes continue after the failover", () -> acknowledged.size() > acknowledgedAtFailover + 5);
        writing.set(false);
        writer.join();
        for (SkiffNode node : cluster.running()) {
            put(node, "after-" + node.address().port(), "x");
            acknowledged.put("after-" + node.address().port(), "x");
        }

        assertThat(failoverNs).as("ns from stopping the leader until a new one was elected (bound: 2 x "
            + "electionTimeoutMax)").isLessThanOrEqualTo(FAILOVER_BOUND_NS);
        assertThat(newLeader).isNotSameAs(oldLeader);
        for (SkiffNode node : cluster.running()) {
            final Map<String, String> read = asStrings(node.levelup().range().join());
            assertThat(read).as("what %s reads", node.address()).containsAllEntriesOf(acknowledged);
        }
    }

    @Test
    void everyNodeStoppedAndRestartedOnItsAddressCatchesUp(@TempDir Path data) {
        final UdpCluster cluster = track(UdpCluster.start(3, UdpCluster.testOptions().storage("xodus")
            .location(data).build()));
        final Map<String, String> written = new TreeMap<>();
        for (int k = 0; k < 20; k++) {
            put(cluster.node(k % 3), "initial-" + k, "v" + k);
            written.put("initial-" + k, "v" + k);
        }

        for (int restarted = 0; restarted < cluster.size(); restarted++) {
            cluster.stop(restarted);
            final SkiffNode leader = cluster.awaitLeader();
            for (int k = 0; k < 20; k++) {
                final String key = "while-" + restarted + "-down-" + k;
                put(leader, key, "w" + k);
                written.put(key, "w" + k);
            }
            final long commitIndex = leader.stats().commitIndex();

            cluster.start(restarted);
            final SkiffNode node = cluster.node(restarted);
            Await.until(node.address() + " applied the leader's commit index " + commitIndex,
                () -> node.stats().appliedIndex() >= commitIndex);

            for (Map.Entry<String, String> entry : written.entrySet()) {
                assertThat(get(node, entry.getKey(), ReadConsistency.LOCAL))
                    .as("local read of %s on %s after its restart", entry.getKey(), node.address())
                    .contains(entry.getValue());
            }
            assertThat(asStrings(node.levelup().range().join())).isEqualTo(written);
        }
    }

    @Test
    void connectedAndDisconnectedFireWhenAPeerStopsAndRestarts(@TempDir Path data) {
        final UdpCluster cluster = track(UdpCluster.create(3, UdpCluster.testOptions().storage("xodus")
            .location(data).build()));
        final List<String> seenByFirst = new CopyOnWriteArrayList<>();
        final NodeAddress second = cluster.address(1);
        cluster.node(0).on(SkiffEvent.Connected.class, event -> seenByFirst.add("connected " + event.peer()));
        cluster.node(0).on(SkiffEvent.Disconnected.class, event -> seenByFirst.add("disconnected " + event.peer()));
        cluster.startAll();
        Await.until("the first node connected to the second", () -> seenByFirst.contains("connected " + second));

        cluster.stop(1);
        Await.until("the first node saw the second go", () -> seenByFirst.contains("disconnected " + second));
        cluster.start(1);
        Await.until("the first node saw the second come back",
            () -> seenByFirst.stream().filter(("connected " + second)::equals).count() == 2);
        put(cluster.node(1), "after-restart", "ok");

        assertThat(seenByFirst.stream().filter(event -> event.endsWith(" " + second)))
            .containsExactly("connected " + second, "disconnected " + second, "connected " + second);
        assertThat(seenByFirst).containsOnlyOnce("connected " + cluster.address(2));
        assertThat(get(cluster.node(0), "after-restart", ReadConsistency.LINEARIZABLE)).contains("ok");
    }

    @Test
    void aNodeWhosePeersAreNotStartedYetFormsTheClusterOnceTheyStart() {
        final UdpCluster cluster = track(UdpCluster.create(3, UdpCluster.testOptions().build()));
        final SkiffNode first = cluster.node(0);
        final List<NodeState> statesOfFirst = new CopyOnWriteArrayList<>();
        final List<NodeAddress> connectedToFirst = new CopyOnWriteArrayList<>();
        first.on(SkiffEvent.StateChanged.class, event -> statesOfFirst.add(event.to()));
        first.on(SkiffEvent.Connected.class, event -> connectedToFirst.add(event.peer()));
        cluster.start(0);
        Await.until("the lone node timed out twice and found its peers unreachable",
            () -> first.stats().counter("elections") >= 2 && first.stats().counter("sendNotConnected") > 0);
        final var pendingWrite = first.levelup().put("written-before-peers-started", "yes");

        assertThat(List.copyOf(statesOfFirst)).as("states of the lone node").contains(NodeState.PRE_CANDIDATE)
            .doesNotContain(NodeState.CANDIDATE, NodeState.LEADER);
        assertThat(first.term()).as("pre-vote keeps a lone node's term from rising").isZero();
        assertThat(pendingWrite).isNotDone();

        cluster.start(1);
        cluster.start(2);
        final SkiffNode leader = cluster.awaitLeader();
        pendingWrite.orTimeout(WRITE_TIMEOUT_S, TimeUnit.SECONDS).join();

        assertThat(get(leader, "written-before-peers-started", ReadConsistency.LINEARIZABLE)).contains("yes");
        assertThat(connectedToFirst).containsExactlyInAnyOrder(cluster.address(1), cluster.address(2));
    }

    @Test
    void garbageDatagramsOnEveryNodesPortAreSurvived() throws IOException {
        final UdpCluster cluster = track(UdpCluster.start(3, UdpCluster.testOptions().build()));
        final SkiffNode leader = cluster.awaitLeader();
        final long term = leader.term();
        put(leader, "before", "1");
        final Random random = new Random(7);

        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            for (NodeAddress target : cluster.addresses()) {
                for (int i = 0; i < 600; i++) {
                    final byte[] datagram = i % 2 == 0 ? randomBytes(random, random.nextInt(1500))
                        : aeronShapedGarbage(random);
                    socket.send(new DatagramPacket(datagram, datagram.length, InetAddress.getLoopbackAddress(),
                        target.port()));
                }
            }
        }
        for (int i = 0; i < cluster.size(); i++) {
            put(cluster.node(i), "after-" + i, "2");
        }

        assertThat(cluster.awaitLeader()).isSameAs(leader);
        for (SkiffNode node : cluster.running()) {
            assertThat(node.term()).as("term of %s", node.address()).isEqualTo(term);
            assertThat(asStrings(node.levelup().range().join()))
                .containsOnlyKeys("before", "after-0", "after-1", "after-2");
        }
    }

    @Test
    void malformedAndForeignFramesFromAnAeronPeerAreDroppedCountedAndChangeNothing() {
        final UdpCluster cluster = track(UdpCluster.start(3, UdpCluster.testOptions().build()));
        final SkiffNode leader = cluster.awaitLeader();
        final long term = leader.term();
        put(leader, "before", "1");
        final List<String> warnings = new CopyOnWriteArrayList<>();
        for (int i = 0; i < cluster.size(); i++) {
            cluster.node(i).on(SkiffEvent.Warning.class, warning -> warnings.add(warning.message()));
        }
        final RawPeer raw = track(RawPeer.open());
        raw.connect(cluster.addresses());
        final Random random = new Random(11);
        final int[] sentPerTarget = new int[4];

        for (int i = 0; i < cluster.size(); i++) {
            final NodeAddress target = cluster.address(i);
            // Frames naming a member as sender name one other than the target: a node's own address is no peer.
            final List<List<byte[]>> frames = hostileFrames(target.toString(),
                cluster.address((i + 1) % cluster.size()).toString(), term + 1000, random);
            for (int kind = 0; kind < frames.size(); kind++) {
                frames.get(kind).forEach(frame -> raw.send(target, frame));
                sentPerTarget[kind] = frames.get(kind).size();
            }
        }
        final int sent = sentPerTarget[0] + sentPerTarget[1] + sentPerTarget[2] + sentPerTarget[3];
        for (SkiffNode node : cluster.running()) {
            Await.until(node.address() + " counted all " + sent + " frames the raw peer sent it", () ->
                node.stats().counter("framesMalformed") + node.stats().counter("framesUnsupportedVersion")
                    + node.stats().counter("framesWrongCluster") + node.stats().counter("framesUnknownSender")
                    >= sent);
        }
        put(cluster.node(1), "after", "2");

        for (SkiffNode node : cluster.running()) {
            final Map<String, Long> counters = node.stats().counters();
            assertThat(counters).as("counters of %s", node.address())
                .containsEntry("framesMalformed", (long)sentPerTarget[0])
                .containsEntry("framesUnsupportedVersion", (long)sentPerTarget[1])
                .containsEntry("framesWrongCluster", (long)sentPerTarget[2])
                .containsEntry("framesUnknownSender", (long)sentPerTarget[3]);
            assertThat(node.term()).as("term of %s", node.address()).isEqualTo(term);
            assertThat(asStrings(node.levelup().range().join())).containsOnlyKeys("before", "after");
        }
        assertThat(cluster.awaitLeader()).isSameAs(leader);
        assertThat(warnings).anyMatch(message -> message.contains("malformed"))
            .anyMatch(message -> message.contains("another cluster"))
            .anyMatch(message -> message.contains("not from a member"));
    }

    /**
     * Four lists of frames, each dropped for one reason: malformed (garbage, an empty frame, truncations, lying or
     * impossible body lengths, unknown types, bodies that contradict their type), unsupported version, another
     * cluster's id, and a sender not accepted for the message: requests from a stranger (only members are served;
     * Raft messages from strangers are answered) and Raft messages naming the target itself. All carry a term far
     * above the cluster's, so any that got through would show in the term.
     */
    private static List<List<byte[]>> hostileFrames(String target, String member, long term, Random random) {
        final String clusterId = SkiffOptions.DEFAULT_CLUSTER_ID;
        final String stranger = "/ip4/127.0.0.1/udp/9";
        final byte[] vote = RawFrames.voteRequest(false, clusterId, term, member);
        final List<byte[]> malformed = new ArrayList<>();
        malformed.add(new byte[0]);
        for (int i = 0; i < 20; i++) {
            final byte[] garbage = randomBytes(random, 1 + random.nextInt(300));
            garbage[0] = 0;
            malformed.add(garbage);
        }
        for (int length = 1; length < vote.length; length += 7) {
            malformed.add(RawFrames.truncated(vote, length));
        }
        malformed.add(RawFrames.withBodyLength(vote, Integer.MAX_VALUE));
        malformed.add(RawFrames.withBodyLength(vote, -1));
        malformed.add(RawFrames.withBodyLength(vote, RawFrames.VOTE_BODY_LENGTH + 1));
        malformed.add(RawFrames.withByte(vote, RawFrames.TYPE_OFFSET, 0));
        malformed.add(RawFrames.withByte(vote, RawFrames.TYPE_OFFSET, 200));
        malformed.add(RawFrames.frame(RawFrames.VERSION, RawFrames.HEARTBEAT, clusterId, term, member, new byte[3]));
        malformed.add(RawFrames.frame(RawFrames.VERSION, RawFrames.APPEND_REQUEST, clusterId, term, member,
            appendClaimingEntriesItLacks()));
        final List<byte[]> unsupportedVersion = List.of(RawFrames.withByte(vote, RawFrames.VERSION_OFFSET, 2),
            RawFrames.withByte(vote, RawFrames.VERSION_OFFSET, 0));
        final List<byte[]> wrongCluster = List.of(RawFrames.voteRequest(false, "another-cluster", term, member),
            RawFrames.voteRequest(true, "another-cluster", term, member));
        final List<byte[]> unknownSender = List.of(
            RawFrames.frame(RawFrames.VERSION, RawFrames.READ_INDEX_REQUEST, clusterId, term, stranger, new byte[8]),
            RawFrames.frame(RawFrames.VERSION, RawFrames.PEERS_REQUEST, clusterId, term, stranger, new byte[8]),
            RawFrames.voteRequest(false, clusterId, term, target),
            RawFrames.frame(RawFrames.VERSION, RawFrames.HEARTBEAT, clusterId, term, target, new byte[16]));
        return List.of(malformed, unsupportedVersion, wrongCluster, unknownSender);
    }

    /** An AppendEntries body announcing three entries and carrying none. */
    private static byte[] appendClaimingEntriesItLacks() {
        return ByteBuffer.allocate(RawFrames.APPEND_FIXED_LENGTH).order(ByteOrder.LITTLE_ENDIAN)
            .putLong(0).putLong(0).putLong(0).putInt(3).array();
    }

    /**
     * Bytes laid out like an Aeron frame header (length, version 0, flags, type among PAD, DATA, NAK, SM, ERR,
     * SETUP, RTTM, RES), with stream id 1 (Skiff's) half the time and random sessions, offsets and term ids, so that
     * they get past the first checks of the driver's receiver.
     */
    private static byte[] aeronShapedGarbage(Random random) {
        final byte[] bytes = randomBytes(random, 32 + random.nextInt(1400));
        final ByteBuffer header = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(0, random.nextBoolean() ? bytes.length : random.nextInt());
        header.put(4, (byte)0);
        header.putShort(6, (short)random.nextInt(8));
        if (random.nextBoolean()) {
            header.putInt(16, 1);
        }
        return bytes;
    }

    private static byte[] randomBytes(Random random, int length) {
        final byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    /**
     * Writes unique keys through one node, one at a time, until told to stop, and records each acknowledged one.
     * Failed writes (e.g. timed out during the election: outcome unknown) are not recorded.
     */
    private static Thread startWriter(SkiffNode node, String prefix, Map<String, String> acknowledged,
        AtomicBoolean writing) {
        final Thread writer = new Thread(() -> {
            for (int i = 0; writing.get(); i++) {
                final String key = prefix + i;
                try {
                    node.levelup().put(key, "w" + i).get(WRITE_TIMEOUT_S, TimeUnit.SECONDS);
                    acknowledged.put(key, "w" + i);
                } catch (Exception e) {
                    // Not acknowledged: the outcome is unknown, so the key is not checked.
                }
            }
        }, "writer");
        writer.start();
        return writer;
    }

    private static void put(SkiffNode node, String key, String value) {
        node.levelup().put(key, value).orTimeout(WRITE_TIMEOUT_S, TimeUnit.SECONDS).join();
    }

    private static Optional<String> get(SkiffNode node, String key, ReadConsistency consistency) {
        return node.levelup().get(key, consistency).orTimeout(WRITE_TIMEOUT_S, TimeUnit.SECONDS).join();
    }

    private static Map<String, String> asStrings(List<KeyValue> entries) {
        final Map<String, String> map = new TreeMap<>();
        for (KeyValue entry : entries) {
            map.put(new String(entry.key(), StandardCharsets.UTF_8), new String(entry.value(), StandardCharsets.UTF_8));
        }
        return map;
    }

    private <T extends AutoCloseable> T track(T resource) {
        resources.add(resource);
        return resource;
    }
}
