package io.skiff.transport.aeron.cluster;

import io.skiff.NodeAddress;
import io.skiff.NodeState;
import io.skiff.NodeStats;
import io.skiff.Skiff;
import io.skiff.SkiffException;
import io.skiff.SkiffNode;
import io.skiff.SkiffOptions;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.function.UnaryOperator;

/**
 * Skiff nodes of one JVM talking over Aeron UDP on 127.0.0.1: each node lists all the others as peers and shares
 * the process's embedded media driver. Nodes are created from one options template; a node can be stopped,
 * started again (same instance, same address) or replaced by a new instance with changed options.
 */
final class UdpCluster implements AutoCloseable {
    /** Short timeouts keep the tests fast; a heartbeat of a third of the minimum leaves room for a lost one. */
    static final Duration ELECTION_TIMEOUT_MIN = Duration.ofMillis(150);
    static final Duration ELECTION_TIMEOUT_MAX = Duration.ofMillis(300);
    static final Duration HEARTBEAT_INTERVAL = Duration.ofMillis(50);
    private static final int START_ATTEMPTS = 5;
    private static final String PORT_TAKEN = "cannot listen on";

    private final List<NodeAddress> addresses;
    private final SkiffOptions[] options;
    private final SkiffNode[] nodes;

    private UdpCluster(List<NodeAddress> addresses, SkiffOptions template) {
        this.addresses = List.copyOf(addresses);
        this.options = new SkiffOptions[addresses.size()];
        this.nodes = new SkiffNode[addresses.size()];
        for (int i = 0; i < nodes.length; i++) {
            options[i] = template.toBuilder().peers(peersOf(i)).build();
            nodes[i] = Skiff.node(addresses.get(i), options[i]);
        }
    }

    /**
     * @return options with the short test timeouts and enough client retries (50 x 200 ms) that a write issued
     * during an election waits for its outcome instead of failing.
     */
    static SkiffOptions.Builder testOptions() {
        return SkiffOptions.builder()
            .electionTimeoutMin(ELECTION_TIMEOUT_MIN)
            .electionTimeoutMax(ELECTION_TIMEOUT_MAX)
            .appendEntriesInterval(HEARTBEAT_INTERVAL)
            .clientMaxRetries(50);
    }

    /**
     * Creates nodes on free ports without starting them, so that listeners can be registered first or nodes
     * started one at a time.
     *
     * @param size     the number of nodes.
     * @param template options of every node; peers are filled in.
     * @return the cluster, no node started.
     */
    static UdpCluster create(int size, SkiffOptions template) {
        return new UdpCluster(FreePorts.addresses(size), template);
    }

    /**
     * Creates and starts every node, on fresh ports when another process took one of the ports meanwhile.
     *
     * @param size     the number of nodes.
     * @param template options of every node; peers are filled in.
     * @return the started cluster.
     */
    static UdpCluster start(int size, SkiffOptions template) {
        SkiffException portTaken = null;
        for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
            final UdpCluster cluster = create(size, template);
            try {
                cluster.startAll();
                return cluster;
            } catch (SkiffException e) {
                cluster.close();
                if (null == e.getMessage() || !e.getMessage().contains(PORT_TAKEN)) {
                    throw e;
                }
                portTaken = e;
            }
        }
        throw portTaken;
    }

    void startAll() {
        for (int i = 0; i < nodes.length; i++) {
            start(i);
        }
    }

    /**
     * Starts node {@code i} and waits for it.
     *
     * @throws SkiffException when it cannot start, e.g. its port is taken.
     */
    void start(int i) {
        try {
            nodes[i].start().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof SkiffException) {
                throw (SkiffException)e.getCause();
            }
            throw e;
        }
    }

    /** Stops node {@code i} and waits until it has closed its transport and storage. */
    void stop(int i) {
        nodes[i].stop().join();
    }

    /**
     * Replaces the stopped node {@code i} by a new instance on the same address, with changed options.
     *
     * @param i      the node.
     * @param change derives the new options from the node's current ones.
     * @return the new instance, not started.
     */
    SkiffNode replace(int i, UnaryOperator<SkiffOptions.Builder> change) {
        if (nodes[i].state() != NodeState.STOPPED) {
            throw new IllegalStateException("node " + addresses.get(i) + " must be stopped before it is replaced");
        }
        options[i] = change.apply(options[i].toBuilder()).build();
        nodes[i] = Skiff.node(addresses.get(i), options[i]);
        return nodes[i];
    }

    SkiffNode node(int i) {
        return nodes[i];
    }

    int size() {
        return nodes.length;
    }

    NodeAddress address(int i) {
        return addresses.get(i);
    }

    List<NodeAddress> addresses() {
        return addresses;
    }

    /** @return the index of the node at this address. */
    int indexOf(NodeAddress address) {
        final int i = addresses.indexOf(address);
        if (i < 0) {
            throw new IllegalArgumentException(address + " is not a member of " + addresses);
        }
        return i;
    }

    /** @return the nodes that are not stopped. */
    List<SkiffNode> running() {
        final List<SkiffNode> running = new ArrayList<>();
        for (SkiffNode node : nodes) {
            if (node.state() != NodeState.STOPPED) {
                running.add(node);
            }
        }
        return running;
    }

    /**
     * Waits until exactly one running node leads and every running node follows it.
     *
     * @return the leader.
     */
    SkiffNode awaitLeader() {
        return Await.value("one leader that every running node of " + addresses + " follows", this::agreedLeader);
    }

    /** @return the leader every running node agrees on, or {@code null} while there is none. */
    private SkiffNode agreedLeader() {
        SkiffNode leader = null;
        final List<SkiffNode> running = running();
        for (SkiffNode node : running) {
            if (node.state() == NodeState.LEADER) {
                if (null != leader) {
                    return null;
                }
                leader = node;
            }
        }
        if (null == leader) {
            return null;
        }
        for (SkiffNode node : running) {
            if (!node.leader().map(leader.address()::equals).orElse(false)) {
                return null;
            }
        }
        return leader;
    }

    /** Waits until every running node has applied everything the leader knows to be committed. */
    void awaitCaughtUp() {
        final SkiffNode leader = awaitLeader();
        final long commitIndex = leader.stats().commitIndex();
        for (SkiffNode node : running()) {
            Await.until(node.address() + " applied index " + commitIndex + " (the leader's commit index)",
                () -> node.stats().appliedIndex() >= commitIndex);
        }
    }

    /** @return the sum of one counter over the running nodes. */
    long counterSum(String counter) {
        long sum = 0;
        for (SkiffNode node : running()) {
            sum += node.stats().counter(counter);
        }
        return sum;
    }

    /** @return every running node's stats, for failure messages. */
    String describe() {
        final StringBuilder text = new StringBuilder();
        for (SkiffNode node : nodes) {
            final NodeStats stats = node.stats();
            text.append(stats.address()).append(' ').append(stats.state()).append(" term ").append(stats.term())
                .append(" leader ").append(stats.leader()).append(" commit ").append(stats.commitIndex())
                .append(" applied ").append(stats.appliedIndex()).append('\n');
        }
        return text.toString();
    }

    @Override
    public void close() {
        for (SkiffNode node : nodes) {
            node.close();
        }
    }

    private List<NodeAddress> peersOf(int i) {
        final List<NodeAddress> peers = new ArrayList<>(addresses);
        peers.remove(i);
        return peers;
    }
}
