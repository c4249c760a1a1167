package io.skiff.testkit;

import io.skiff.NodeState;
import io.skiff.Skiff;
import io.skiff.SkiffNode;
import io.skiff.SkiffOptions;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class SmokeClusterTest {
    @Test
    void threeNodesElectAndReplicate() throws Exception {
        final InMemoryNetwork network = new InMemoryNetwork();
        final List<String> addresses = List.of("/mem/a", "/mem/b", "/mem/c");
        final List<SkiffNode> nodes = new ArrayList<>();
        for (String address : addresses) {
            final List<String> peers = new ArrayList<>(addresses);
            peers.remove(address);
            nodes.add(Skiff.node(address, SkiffOptions.builder().network(network).peers(peers.toArray(String[]::new))
                .electionTimeoutMin(Duration.ofMillis(150)).electionTimeoutMax(Duration.ofMillis(300))
                .appendEntriesInterval(Duration.ofMillis(50)).build()));
        }
        for (SkiffNode node : nodes) {
            node.start().join();
        }
        final long deadline = System.nanoTime() + 5_000_000_000L;
        SkiffNode leader = null;
        while (null == leader && System.nanoTime() < deadline) {
            for (SkiffNode node : nodes) {
                if (node.state() == NodeState.LEADER) {
                    leader = node;
                }
            }
            Thread.sleep(10);
        }
        assertThat(leader).isNotNull();
        leader.levelup().put("k", "v").get();
        assertThat(leader.levelup().get("k").get()).isEqualTo(Optional.of("v"));
        for (SkiffNode node : nodes) {
            if (node != leader) {
                node.levelup().put("f-" + node.address().host(), "x").get();
                assertThat(node.levelup().get("k").get()).isEqualTo(Optional.of("v"));
            }
        }
        System.out.println(leader.stats());
        for (SkiffNode node : nodes) {
            node.close();
        }
    }
}
