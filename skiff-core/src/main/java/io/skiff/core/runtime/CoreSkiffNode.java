package io.skiff.core.runtime;

import io.skiff.LevelDown;
import io.skiff.LevelUp;
import io.skiff.NodeAddress;
import io.skiff.NodeState;
import io.skiff.NodeStats;
import io.skiff.NodeStoppedException;
import io.skiff.PeerInfo;
import io.skiff.ReadConsistency;
import io.skiff.Registration;
import io.skiff.SkiffEvent;
import io.skiff.SkiffException;
import io.skiff.SkiffNode;
import io.skiff.SkiffOptions;
import io.skiff.core.kv.KvLevelDown;
import io.skiff.core.codec.MessageLayout;
import io.skiff.core.kv.KvLevelUp;
import io.skiff.spi.Providers;
import io.skiff.spi.StateMachine;
import io.skiff.spi.StateMachineContext;
import io.skiff.spi.StateMachineProvider;
import io.skiff.spi.Storage;
import io.skiff.spi.StorageContext;
import io.skiff.spi.StorageProvider;
import io.skiff.spi.Transport;
import io.skiff.spi.TransportContext;
import io.skiff.spi.TransportProvider;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A node as the API sees it. Its {@link NodeHost} decides what it runs on: by default a loop thread and an event
 * thread of its own; in a simulation, one shared thread in virtual time. Starting opens storage, the state machine
 * and the transport; stopping closes them on the loop.
 */
final class CoreSkiffNode implements SkiffNode {
    private static final int EVENT_QUEUE_EXTRA = 16_384;

    private final NodeAddress address;
    private final SkiffOptions options;
    private final NodeHost host;
    private final Listeners listeners = new Listeners();
    private final KvLevelUp levelUp;
    private final KvLevelDown levelDown;

    /** The start in progress or done, until the next stop. */
    private CompletableFuture<Void> started;
    private volatile Running running;

    CoreSkiffNode(NodeAddress address, SkiffOptions options, NodeHost host) {
        this.address = address;
        this.options = options;
        this.host = host;
        this.levelUp = new KvLevelUp(this);
        this.levelDown = new KvLevelDown(this);
    }

    @Override
    public NodeAddress address() {
        return address;
    }

    @Override
    public synchronized CompletableFuture<Void> start() {
        if (null != started) {
            return started;
        }
        final CompletableFuture<Void> future = new CompletableFuture<>();
        started = future;
        final NodeHost.HostedEvents events = host.events(address, options.maxPendingOperations() + EVENT_QUEUE_EXTRA,
            listeners);
        host.execute("skiff-start-" + address, () -> open(events, future));
        return future;
    }

    private void open(NodeHost.HostedEvents events, CompletableFuture<Void> future) {
        Storage storage = null;
        StateMachine stateMachine = null;
        Transport transport = null;
        try {
            // Every provider is found before anything is opened, so that a node that cannot start for want of one
            // (a tcp address without a TCP transport) leaves no data directory behind.
            final StorageProvider storageProvider = options.storageProvider()
                .orElseGet(() -> Providers.storage(options.storage()));
            final StateMachineProvider stateMachineProvider = options.stateMachineProvider()
                .orElseGet(() -> Providers.stateMachine(options.stateMachine()));
            final TransportProvider transportProvider = options.network()
                .orElseGet(() -> Providers.transport(address.protocol()));
            storage = storageProvider.open(new StorageContext(address, options, directory()));
            stateMachine = stateMachineProvider.open(new StateMachineContext(address, options, storage));
            final TransportEvents transportEvents = new TransportEvents(address, events);
            transport = transportProvider.open(new TransportContext(address, options, transportEvents));
            final NodeAgent agent = new NodeAgent(address, options, host.clock(),
                new SplittableRandom(host.electionSeed(address, options)), host.clientId(address), transport,
                transportEvents, storage, stateMachine, events);
            running = new Running(agent, host.run(agent), events, transport);
            events.publish(new SkiffEvent.Started(address));
            events.complete(() -> future.complete(null));
        } catch (RuntimeException e) {
            closeQuietly(transport);
            closeQuietly(stateMachine);
            closeQuietly(storage);
            events.close();
            synchronized (this) {
                if (started == future) {
                    started = null;
                }
            }
            future.completeExceptionally(e);
        }
    }

    private Path directory() {
        return options.location().resolve(address.toString().substring(1).replace('/', '_').replace(':', '_'));
    }

    private static void closeQuietly(AutoCloseable resource) {
        if (null == resource) {
            return;
        }
        try {
            resource.close();
        } catch (Exception ignored) {
            // Start already failed; the original cause is what the caller needs.
        }
    }

    @Override
    public synchronized CompletableFuture<Void> stop() {
        final CompletableFuture<Void> starting = started;
        if (null == starting) {
            return CompletableFuture.completedFuture(null);
        }
        started = null;
        final CompletableFuture<Void> future = new CompletableFuture<>();
        host.execute("skiff-stop-" + address, () -> {
            starting.handle((ignored, failure) -> null).join();
            final Running current = running;
            running = null;
            if (null != current) {
                current.runner().stop();
                current.events().close();
            }
            future.complete(null);
        });
        return future;
    }

    @Override
    public void close() {
        stop().join();
    }

    @Override
    public LevelUp levelup() {
        requireKv("levelup()");
        return levelUp;
    }

    @Override
    public LevelDown leveldown() {
        requireKv("leveldown()");
        return levelDown;
    }

    private void requireKv(String what) {
        if (!"kv".equals(options.stateMachine()) && !"kv-storage".equals(options.stateMachine())) {
            throw new IllegalStateException(what + " needs the 'kv' or 'kv-storage' state machine, but this node runs '"
                + options.stateMachine() + "'; use command() and query() instead");
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public CompletableFuture<byte[]> command(byte[] command) {
        if (null == command) {
            throw new NullPointerException("command");
        }
        if (command.length > options.maxCommandBytes()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("command of " + command.length
                + " bytes exceeds maxCommandBytes (" + options.maxCommandBytes() + ")"));
        }
        return (CompletableFuture<byte[]>)(CompletableFuture<?>)submit(Operation.command(command.clone()));
    }

    @Override
    @SuppressWarnings("unchecked")
    public CompletableFuture<byte[]> query(byte[] query, ReadConsistency consistency) {
        if (null == query || null == consistency) {
            throw new NullPointerException(null == query ? "query" : "consistency");
        }
        return (CompletableFuture<byte[]>)(CompletableFuture<?>)submit(Operation.query(query.clone(), consistency));
    }

    @Override
    public CompletableFuture<Void> join(String peer) {
        return membership(MessageLayout.MEMBERSHIP_JOIN, peer);
    }

    @Override
    public CompletableFuture<Void> leave(String peer) {
        return membership(MessageLayout.MEMBERSHIP_LEAVE, peer);
    }

    @Override
    public CompletableFuture<Void> transferLeadership(String peer) {
        return membership(MessageLayout.MEMBERSHIP_TRANSFER, peer);
    }

    @SuppressWarnings("unchecked")
    private CompletableFuture<Void> membership(int operation, String peer) {
        final NodeAddress target = NodeAddress.parse(peer);
        return (CompletableFuture<Void>)(CompletableFuture<?>)submit(Operation.membership(operation,
            target.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII),
            options.membershipTimeout().toNanos()));
    }

    @Override
    public NodeStats stats() {
        final Running current = running;
        if (null == current) {
            final Map<String, Long> none = Map.of();
            return new NodeStats(address, NodeState.STOPPED, 0, null, 0, 0, 0, 0, 0, 0, none, none, none);
        }
        final NodeAgent.Status status = current.agent().status();
        final NodeCounters counters = current.agent().counters();
        final Map<String, Long> others = counters.others();
        others.put("eventsDropped", current.events().droppedEvents());
        current.transport().stats().forEach((name, value) -> others.put("transport." + name, value));
        return new NodeStats(address, state(), status.term(), status.leader(), status.firstIndex(),
            status.lastIndex(), status.commitIndex(), status.appliedIndex(), counters.get(NodeCounters.MESSAGES_SENT),
            counters.get(NodeCounters.MESSAGES_RECEIVED), counters.rpcs(true), counters.rpcs(false), others);
    }

    @Override
    @SuppressWarnings("unchecked")
    public CompletableFuture<List<PeerInfo>> peers() {
        return (CompletableFuture<List<PeerInfo>>)(CompletableFuture<?>)submit(Operation.peers());
    }

    @Override
    public long term() {
        final Running current = running;
        return null == current ? 0 : current.agent().status().term();
    }

    @Override
    public NodeState state() {
        final Running current = running;
        if (null == current || !current.runner().isRunning()) {
            return NodeState.STOPPED;
        }
        return current.agent().status().state();
    }

    @Override
    public Optional<NodeAddress> leader() {
        final Running current = running;
        return null == current ? Optional.empty() : Optional.ofNullable(current.agent().status().leader());
    }

    @Override
    public void weaken(Duration duration) {
        if (null == duration || duration.isNegative()) {
            throw new IllegalArgumentException("weaken needs a non-negative duration, got " + duration);
        }
        submit(Operation.weaken(duration.toNanos()));
    }

    @Override
    @SuppressWarnings("unchecked")
    public CompletableFuture<Void> readConsensus() {
        return (CompletableFuture<Void>)(CompletableFuture<?>)submit(Operation.readConsensus());
    }

    @Override
    public <E extends SkiffEvent> Registration on(Class<E> type, Consumer<? super E> listener) {
        if (null == type || null == listener) {
            throw new NullPointerException(null == type ? "type" : "listener");
        }
        return listeners.add(type, listener);
    }

    private CompletableFuture<Object> submit(Operation operation) {
        final Running current = running;
        if (null == current || !current.runner().isRunning()) {
            final RuntimeException failure = null == current ? null : current.agent().failure();
            return CompletableFuture.failedFuture(new NodeStoppedException("the node " + address + " is not running"
                + (null == failure ? "; call start() first" : ": " + failure.getMessage()), false));
        }
        if (!current.agent().submit(operation)) {
            return CompletableFuture.failedFuture(new SkiffException("the node " + address + " has "
                + options.maxPendingOperations() + " operations pending (maxPendingOperations); retry later"));
        }
        current.runner().wake();
        return operation.future;
    }

    @Override
    public String toString() {
        return "SkiffNode[" + address + ", " + state() + "]";
    }

    private record Running(NodeAgent agent, NodeHost.Runner runner, NodeHost.HostedEvents events,
        Transport transport) {
    }
}
