package io.skiff.storage.xodus.node;

import io.skiff.KeyValue;
import io.skiff.NodeState;
import io.skiff.RangeOptions;
import io.skiff.Skiff;
import io.skiff.SkiffNode;
import io.skiff.SkiffOptions;
import io.skiff.testkit.InMemoryNetwork;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Child process of {@link NodeCrashTest}: starts {@code args[2]} nodes (1 or 3, on an in-memory network) with
 * Xodus storage under {@code args[0]} and state machine {@code args[1]}, says what they hold, then writes keys
 * {@code <args[3]>-<n>} through the leader, {@value #WINDOW} at a time, forever, until it is killed.
 *
 * <p>It says, one line each: {@code STARTED <first index> <last index> <applied index>} once the leader has applied
 * its whole log; {@code ENTRY <key> <value>} for every entry the cluster holds (a linearizable range read) and then
 * {@code ENTRIES <count>}; then {@code ACK <key>} for each write whose future completed successfully, which is
 * what the node acknowledged. Anything unexpected: {@code FAILED <what>} and exit code 2.
 */
public final class NodeWriterMain {
    static final int WINDOW = 16;
    static final List<String> THREE = List.of("/mem/a", "/mem/b", "/mem/c");

    private NodeWriterMain() {
    }

    static String value(String key) {
        return "value-of-" + key;
    }

    public static void main(String[] args) throws Exception {
        final PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        try {
            run(Path.of(args[0]), args[1], Integer.parseInt(args[2]), args[3], out);
        } catch (Throwable e) {
            out.println("FAILED " + e);
            out.flush();
            e.printStackTrace();
            System.exit(2);
        }
    }

    private static void run(Path location, String stateMachine, int count, String prefix, PrintStream out)
        throws Exception {
        final List<String> addresses = count == 1 ? List.of("/mem/solo") : THREE;
        final InMemoryNetwork network = new InMemoryNetwork();
        final List<SkiffNode> nodes = new ArrayList<>();
        for (String address : addresses) {
            final List<String> peers = new ArrayList<>(addresses);
            peers.remove(address);
            nodes.add(Skiff.node(address, SkiffOptions.builder().storage("xodus").location(location)
                .network(network).stateMachine(stateMachine).peers(peers.toArray(String[]::new))
                .electionTimeoutMin(Duration.ofMillis(60)).electionTimeoutMax(Duration.ofMillis(120))
                .appendEntriesInterval(Duration.ofMillis(20)).rpcTimeout(Duration.ofMillis(500))
                .snapshotInterval(300).minLogRetention(50).build()));
        }
        final List<CompletableFuture<Void>> starts = new ArrayList<>();
        for (SkiffNode node : nodes) {
            starts.add(node.start());
        }
        CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        final SkiffNode leader = awaitLeader(nodes);
        Await.result(leader.readConsensus());
        Await.until("the leader applied its log", () -> leader.stats().appliedIndex() == leader.stats().lastIndex());
        out.println("STARTED " + leader.stats().firstIndex() + " " + leader.stats().lastIndex() + " "
            + leader.stats().appliedIndex());
        final List<KeyValue> entries = Await.result(leader.levelup().range(RangeOptions.all()));
        for (KeyValue entry : entries) {
            out.println("ENTRY " + entry.keyString() + " " + entry.valueString());
        }
        out.println("ENTRIES " + entries.size());
        out.flush();

        final Semaphore window = new Semaphore(WINDOW);
        for (long n = 0; ; n++) {
            window.acquire();
            final String key = prefix + "-" + n;
            leader.levelup().put(key, value(key)).whenComplete((ok, failure) -> {
                if (null == failure) {
                    synchronized (out) {
                        out.println("ACK " + key);
                        out.flush();
                    }
                }
                window.release();
            });
        }
    }

    private static SkiffNode awaitLeader(List<SkiffNode> nodes) {
        final SkiffNode[] leader = new SkiffNode[1];
        Await.until("a leader", () -> {
            for (SkiffNode node : nodes) {
                if (node.state() == NodeState.LEADER) {
                    leader[0] = node;
                    return true;
                }
            }
            return false;
        });
        return leader[0];
    }
}
