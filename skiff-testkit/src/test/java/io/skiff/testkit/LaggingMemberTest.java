package io.skiff.testkit;

import io.skiff.NodeState;
import io.skiff.ReadConsistency;
import io.skiff.Skiff;
import io.skiff.SkiffEvent;
import io.skiff.SkiffNode;
import io.skiff.SkiffOptions;
import io.skiff.core.storage.MemoryStorageProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A member whose log is behind does not know the members added since: it must still follow and vote for them
 * (thesis §4.1), through the real runtime and a transport that must be told whom to connect to.
 */
class LaggingMemberTest {
    private static final List<String> FOUNDERS = List.of("/mem/a", "/mem/b", "/mem/c");
    private static final List<String> NEWCOMERS = List.of("/mem/d", "/mem/e");

    private final InMemoryNetwork network = new InMemoryNetwork(1024 * 1024);
    private final MemoryStorageProvider storage = new MemoryStorageProvider();
    private final SkiffOptions base = SkiffOptions.builder()
        .electionTimeoutMin(Duration.ofMillis(150))
        .electionTimeoutMax(Duration.ofMillis(300))
        .appendEntriesInterval(Duration.ofMillis(50))
        .rpcTimeout(Duration.ofMillis(500))
        .clientRetryRpcTimeout(Duration.ofMillis(100))
        .clientMaxRetries(10)
        .network(network)
        .storage(storage)
        .build();
    private final Map<String, SkiffNode> nodes = new LinkedHashMap<>();
    private final Map<String, EventLog> events = new LinkedHashMap<>();

    @AfterEach
    void stopEverything() {
        final List<CompletableFuture<Void>> stops = new ArrayList<>();
        for (SkiffNode node : nodes.values()) {
            stops.add(node.stop());
        }
        network.heal();
        Await.result(CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)));
        network.close();
    }

    /**
     * While one member was cut off, every other member was replaced: {a, b, c} became {c, d, e}. The cut-off member
     * knows only peers that are gone, so it must accept the new leader it has never heard of, or the cluster has
     * lost a voter for good.
     */
    @Test
    void aMemberCutOffWhileEveryOtherMemberWasReplacedCatchesUpAndVotesAgain() {
        for (String address : FOUNDERS) {
            start(address);
        }
        final SkiffNode first = leaderAmong(nodes.values());
        Await.result(first.levelup().put("before", "1"));
        final SkiffNode lagging = nodes.values().stream().filter(node -> node != first).findFirst().orElseThrow();
        network.isolate(lagging.address().toString());

        for (String address : NEWCOMERS) {
            start(address);
            Await.result(leaderAmong(reachable(lagging)).join(address));
        }
        final List<SkiffNode> old = new ArrayList<>(List.of(node(FOUNDERS.get(0)), node(FOUNDERS.get(1)),
            node(FOUNDERS.get(2))));
        old.remove(lagging);
        // The first leader leaves last, so that it makes every change but its own removal.
        old.sort(Comparator.comparing(node -> node == first));
        for (SkiffNode leaving : old) {
            Await.result(leaderAmong(reachable(lagging)).leave(leaving.address().toString()));
        }
        for (SkiffNode leaving : old) {
            Await.result(leaving.stop());
        }
        final SkiffNode leader = leaderAmong(List.of(node(NEWCOMERS.get(0)), node(NEWCOMERS.get(1))));
        Await.result(leader.levelup().put("while-away", "2"));

        network.heal();

        Await.until(lagging + " applied what " + leader + " committed",
            () -> lagging.stats().appliedIndex() >= leader.stats().commitIndex());
        Await.until(lagging + " saw the replacement commit", () -> {
            final EventLog log = events.get(lagging.address().toString());
            return log.count(SkiffEvent.Joined.class, e -> NEWCOMERS.contains(e.peer().toString())) == 2
                && log.count(SkiffEvent.Left.class, e -> !e.peer().equals(lagging.address())) == 2;
        });
        assertThat(Await.result(lagging.levelup().get("while-away", ReadConsistency.LOCAL))).contains("2");
        assertThat(lagging.stats().counter("framesUnknownSender")).isZero();

        // It votes and acknowledges again: without the leader, the two members left need each other.
        Await.result(leader.stop());
        final SkiffNode other = NEWCOMERS.stream().map(this::node).filter(node -> node != leader).findFirst()
            .orElseThrow();
        final SkiffNode next = leaderAmong(List.of(other, lagging));
        Await.result(next.levelup().put("after", "3"));
        assertThat(Await.result(lagging.levelup().get("after"))).contains("3");
        assertThat(Await.result(other.levelup().get("after"))).contains("3");
    }

    private void start(String address) {
        final List<String> peers = new ArrayList<>(FOUNDERS);
        peers.remove(address);
        final SkiffNode node = Skiff.node(address, base.toBuilder().peers(peers.toArray(String[]::new)).build());
        final EventLog log = new EventLog();
        node.on(SkiffEvent.class, log::record);
        nodes.put(address, node);
        events.put(address, log);
        Await.result(node.start());
    }

    private SkiffNode node(String address) {
        return nodes.get(address);
    }

    /** @return the running nodes other than the one cut off. */
    private List<SkiffNode> reachable(SkiffNode cutOff) {
        final List<SkiffNode> reachable = new ArrayList<>();
        for (SkiffNode node : nodes.values()) {
            if (node != cutOff && node.state() != NodeState.STOPPED) {
                reachable.add(node);
            }
        }
        return reachable;
    }

    /** @return the node of the group that leads in the highest term, once there is one. */
    private static SkiffNode leaderAmong(java.util.Collection<SkiffNode> group) {
        final List<SkiffNode> members = List.copyOf(group);
        return Await.value("a leader among " + members, () -> members.stream()
            .filter(node -> node.state() == NodeState.LEADER)
            .max(Comparator.comparingLong(SkiffNode::term)), Optional::isPresent).orElseThrow();
    }
}
