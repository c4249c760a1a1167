package io.skiff.testkit;

import io.skiff.NodeAddress;
import io.skiff.spi.SendResult;
import io.skiff.spi.Transport;
import io.skiff.spi.TransportContext;
import io.skiff.spi.TransportListener;
import io.skiff.spi.TransportProvider;
import io.skiff.testkit.sim.LinkFaults;

import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A network inside one JVM for nodes with {@code /mem/NAME} addresses, like the original Skiff's
 * {@code Skiff.createNetwork()}: nodes whose options carry {@code .network(net)} share it, and a test cuts links
 * between them with {@link #partition}, {@link #isolate} and {@link #block}, restores them with {@link #heal}, and
 * makes links lossy, slow, duplicating or reordering with {@link #faults(LinkFaults)} and
 * {@link #faults(String, String, LinkFaults)}.
 *
 * <pre>{@code
 * try (InMemoryNetwork net = new InMemoryNetwork(InMemoryNetwork.DEFAULT_INBOX_CAPACITY, 42)) {
 *     SkiffOptions options = SkiffOptions.builder().network(net).peers("/mem/b", "/mem/c").build();
 *     SkiffNode a = Skiff.node("/mem/a", options);
 *     net.partition(List.of("/mem/a"), List.of("/mem/b", "/mem/c"));
 *     net.faults(LinkFaults.NONE.withDrop(0.1).withDelay(1_000_000, 5_000_000));
 *     net.faults("/mem/b", "/mem/a", LinkFaults.NONE.withTypeDrop(1.0, 2)); // AppendEntries responses
 * }
 * }</pre>
 *
 * <p>Each opened {@link Transport} is an endpoint with an inbox of {@link #inboxCapacity()} bytes. A send copies the
 * frame into the destination's inbox and returns {@link io.skiff.spi.SendResult#SENT}, or
 * {@link io.skiff.spi.SendResult#BACK_PRESSURED} when the inbox is full, or
 * {@link io.skiff.spi.SendResult#NOT_CONNECTED} when the sender has not called {@code connect(peer)} or the peer is
 * not open. Frames across a cut are dropped silently (the sender sees {@code SENT}) and counted in
 * {@link #droppedFrames()}. On a link without faults, frames from one sender to one destination arrive in order and
 * once.
 *
 * <p>Link faults are described by {@link LinkFaults}, the same record the simulation's
 * {@link io.skiff.testkit.sim.SimNetwork} takes: drop, duplicate and reorder probabilities, a latency with uniform
 * jitter, loss by frame type (the byte at offset 5 of a Skiff frame, see {@code io.skiff.core.codec.MessageType}),
 * and a cap on the frames in flight. The default is {@link LinkFaults#NONE}. A frame that must wait (latency, or held
 * back to be overtaken) is copied and delivered by one daemon thread per network, started with the first such frame
 * and stopped by {@link #close()}; every other frame still goes straight into the destination's inbox on the
 * sender's thread, allocating nothing. A waiting frame is lost, and counted, if its destination closes, a cut
 * appears, or the inbox is full when it is due. Link faults do not change connection events: a lossy link is still
 * connected. A node's frames to itself never suffer link faults, as they never cross a cut.
 *
 * <p>Randomness comes from a seed ({@link #seed()}), so that a failing test can print it; but a real-time run is not
 * replayable from its seed, because which frame meets which draw depends on thread timing. For runs that replay
 * event for event, use {@link io.skiff.testkit.sim.Simulation}.
 *
 * <p>Connection events: an endpoint's {@link TransportListener} hears {@code onConnected(peer)} once it has
 * connected to the peer and the peer is open and reachable, and {@code onDisconnected(peer)} when that stops being
 * true (the peer closed, a cut, or {@code disconnect(peer)}); each change is reported once. Listeners are called
 * on the thread that made the change, under the network's lock, so they must not block.
 *
 * <p>Thread-safe. Faults take effect at once for every sender; frames already waiting keep the fate drawn when they
 * were sent.
 */
public final class InMemoryNetwork implements TransportProvider, AutoCloseable {
    /** The address protocol this network serves. */
    public static final String PROTOCOL = "mem";
    /** Default {@link #inboxCapacity()}: 4 MiB, so the longest frame is 512 KiB. */
    public static final int DEFAULT_INBOX_CAPACITY = 4 * 1024 * 1024;
    /** The smallest {@link #inboxCapacity()} accepted. */
    public static final int MIN_INBOX_CAPACITY = 1024;

    private final int inboxCapacity;
    private final LinkFaultInjector injector;
    /** Guards opening, closing, connecting and fault changes, so that connection events come out once and in order. */
    private final Object lock = new Object();
    private final ConcurrentMap<NodeAddress, MemoryTransport> endpoints = new ConcurrentHashMap<>();
    /** Under the lock: faults of single directed links, by sender, then destination. */
    private final Map<NodeAddress, Map<NodeAddress, LinkFaults>> faultsByLink = new HashMap<>();
    private volatile NetworkFaults faults = NetworkFaults.NONE;
    /** Under the lock: faults of every link without its own. */
    private LinkFaults defaultLinkFaults = LinkFaults.NONE;

    /** Creates a network whose endpoints have inboxes of {@link #DEFAULT_INBOX_CAPACITY}, with a random seed. */
    public InMemoryNetwork() {
        this(DEFAULT_INBOX_CAPACITY);
    }

    /**
     * Creates a network with a random seed.
     *
     * @param inboxCapacity bytes of each endpoint's inbox, a power of two of at least {@link #MIN_INBOX_CAPACITY};
     *                      the longest frame is an eighth of it.
     * @throws IllegalArgumentException when the capacity is not such a power of two.
     */
    public InMemoryNetwork(int inboxCapacity) {
        this(inboxCapacity, ThreadLocalRandom.current().nextLong());
    }

    /**
     * Creates a network.
     *
     * @param inboxCapacity bytes of each endpoint's inbox, a power of two of at least {@link #MIN_INBOX_CAPACITY};
     *                      the longest frame is an eighth of it.
     * @param seed          the seed of the link faults' randomness, reported by {@link #seed()}.
     * @throws IllegalArgumentException when the capacity is not such a power of two.
     */
    public InMemoryNetwork(int inboxCapacity, long seed) {
        if (inboxCapacity < MIN_INBOX_CAPACITY || Integer.bitCount(inboxCapacity) != 1) {
            throw new IllegalArgumentException("inboxCapacity must be a power of two of at least "
                + MIN_INBOX_CAPACITY + " bytes, got " + inboxCapacity);
        }
        this.inboxCapacity = inboxCapacity;
        this.injector = new LinkFaultInjector(this, seed);
    }

    /**
     * The network that {@link DefaultMemoryNetworkProvider} serves, for nodes created without
     * {@code .network(net)}; it lives as long as the JVM, so tests sharing it should use distinct addresses.
     *
     * @return the JVM-wide default network.
     */
    public static InMemoryNetwork defaultNetwork() {
        return DefaultNetworkHolder.NETWORK;
    }

    @Override
    public String protocol() {
        return PROTOCOL;
    }

    /**
     * Opens the endpoint of {@code context.localAddress()}; peers that already connected to this address hear it
     * connect.
     *
     * @param context the node's address and the listener for its connection events.
     * @return the transport, ready to send and poll.
     * @throws IllegalArgumentException when the address is not a {@code /mem/NAME} address.
     * @throws IllegalStateException    when the address is already open on this network.
     */
    @Override
    public Transport open(TransportContext context) {
        Objects.requireNonNull(context, "context");
        final NodeAddress address = Objects.requireNonNull(context.localAddress(), "context.localAddress");
        final TransportListener listener = Objects.requireNonNull(context.listener(), "context.listener");
        checkMemoryAddress(address);
        synchronized (lock) {
            if (endpoints.containsKey(address)) {
                throw new IllegalStateException("address " + address + " is already open on this in-memory "
                    + "network; close its transport before opening it again");
            }
            final MemoryTransport transport = new MemoryTransport(this, address, listener, inboxCapacity);
            endpoints.put(address, transport);
            refreshLinksTo(address, transport);
            return transport;
        }
    }

    /**
     * Splits the network into groups: nodes in different groups cannot exchange frames, and an address in no group
     * is cut off from all. Replaces the partition in force, if any; isolations and blocks stay.
     *
     * @param groups addresses as strings ({@code /mem/NAME}), each in at most one group.
     * @throws IllegalArgumentException when an address is in two groups or is not a {@code /mem/NAME} address.
     */
    @SafeVarargs
    public final void partition(Collection<String>... groups) {
        final Map<NodeAddress, Integer> groupOf = new HashMap<>();
        for (int group = 0; group < groups.length; group++) {
            for (String text : groups[group]) {
                final Integer earlier = groupOf.put(parse(text), group);
                if (null != earlier && earlier != group) {
                    throw new IllegalArgumentException("address " + text + " is in group " + earlier + " and group "
                        + group + "; expected each address in at most one group");
                }
            }
        }
        synchronized (lock) {
            changeFaults(faults.withPartition(groupOf));
        }
    }

    /**
     * Cuts one node off from every other, both ways, until {@link #heal()}.
     *
     * @param address the node ({@code /mem/NAME}).
     */
    public void isolate(String address) {
        final NodeAddress node = parse(address);
        synchronized (lock) {
            changeFaults(faults.withIsolated(node));
        }
    }

    /**
     * Drops frames from one node to another, in that direction only, until {@link #heal()}.
     *
     * @param from the sender ({@code /mem/NAME}).
     * @param to   the destination.
     */
    public void block(String from, String to) {
        final NodeAddress sender = parse(from);
        final NodeAddress destination = parse(to);
        synchronized (lock) {
            changeFaults(faults.withBlocked(sender, destination));
        }
    }

    /** Removes every partition, isolation and block; link faults stay (see {@link #reset()}). */
    public void heal() {
        synchronized (lock) {
            changeFaults(NetworkFaults.NONE);
        }
    }

    /**
     * Sets the faults of every link that has none of its own; {@link LinkFaults#NONE} makes them perfect again.
     *
     * @param linkFaults what happens to frames on those links.
     */
    public void faults(LinkFaults linkFaults) {
        Objects.requireNonNull(linkFaults, "linkFaults");
        synchronized (lock) {
            defaultLinkFaults = linkFaults;
            applyLinkFaults();
        }
    }

    /**
     * Sets the faults of one directed link, overriding the default of {@link #faults(LinkFaults)}; the other
     * direction keeps its own. {@link LinkFaults#NONE} makes the link perfect whatever the default.
     *
     * @param from       the sender ({@code /mem/NAME}).
     * @param to         the destination.
     * @param linkFaults what happens to frames from {@code from} to {@code to}.
     * @throws IllegalArgumentException when an address is not a {@code /mem/NAME} address.
     */
    public void faults(String from, String to, LinkFaults linkFaults) {
        final NodeAddress sender = parse(from);
        final NodeAddress destination = parse(to);
        Objects.requireNonNull(linkFaults, "linkFaults");
        synchronized (lock) {
            faultsByLink.computeIfAbsent(sender, ignored -> new HashMap<>()).put(destination, linkFaults);
            applyLinkFaults();
        }
    }

    /**
     * Repairs the whole network: removes every cut, as {@link #heal()} does, and every link fault. Frames already
     * waiting on a link still arrive when due.
     */
    public void reset() {
        synchronized (lock) {
            defaultLinkFaults = LinkFaults.NONE;
            faultsByLink.clear();
            applyLinkFaults();
            changeFaults(NetworkFaults.NONE);
        }
    }

    /**
     * @return the seed of the link faults' randomness. Print it when a test fails; it does not replay a real-time
     * run, but it tells apart runs that drew differently.
     */
    public long seed() {
        return injector.seed();
    }

    /**
     * @return frames lost since the network was created: across a cut, by a link fault (drop probability or type
     * rule), or while waiting on a link (destination closed, a cut appeared, inbox full, network closed).
     */
    public long droppedFrames() {
        return injector.droppedFrames();
    }

    /** @return frames a link fault sent twice. */
    public long duplicatedFrames() {
        return injector.duplicatedFrames();
    }

    /** @return frames, copies included, that waited on a link before delivery (latency or held back). */
    public long delayedFrames() {
        return injector.delayedFrames();
    }

    /** @return of the {@link #delayedFrames()}, those held back so that later frames could overtake them. */
    public long reorderedFrames() {
        return injector.reorderedFrames();
    }

    /** @return bytes of each endpoint's inbox. */
    public int inboxCapacity() {
        return inboxCapacity;
    }

    /**
     * Stops the delivery thread of link faults; frames still waiting are lost (and counted), and so are frames that
     * would wait from now on. Endpoints stay open and links without latency keep working: close the nodes first.
     * Idempotent.
     */
    @Override
    public void close() {
        injector.close();
    }

    @Override
    public String toString() {
        synchronized (lock) {
            return "InMemoryNetwork{seed=" + seed() + ", endpoints=" + endpoints.keySet() + ", " + faults
                + ", defaultLinkFaults=" + defaultLinkFaults + ", faultsByLink=" + faultsByLink + "}";
        }
    }

    boolean cuts(NodeAddress from, NodeAddress to) {
        return faults.cuts(from, to);
    }

    void countDroppedFrame() {
        injector.countDropped();
    }

    SendResult transmit(NodeAddress from, MemoryTransport.Link link, MemoryTransport destination, ByteBuffer frame,
        int length, LinkFaults linkFaults) {
        return injector.transmit(from, link, destination, frame, length, linkFaults);
    }

    /** @return whether the delivery thread of link faults is running. */
    boolean isDelivering() {
        return injector.isDelivering();
    }

    void connect(MemoryTransport transport, NodeAddress peer) {
        Objects.requireNonNull(peer, "peer");
        synchronized (lock) {
            if (!transport.isClosed()) {
                final MemoryTransport.Link link = transport.addLink(peer);
                link.destination(endpoints.get(peer));
                link.faults(linkFaultsOf(transport.address(), peer));
                refresh(transport, link);
            }
        }
    }

    void disconnect(MemoryTransport transport, NodeAddress peer) {
        Objects.requireNonNull(peer, "peer");
        synchronized (lock) {
            final MemoryTransport.Link link = transport.removeLink(peer);
            if (null != link && link.reportedUp()) {
                link.reportedUp(false);
                transport.listener().onDisconnected(peer);
            }
        }
    }

    void close(MemoryTransport transport) {
        synchronized (lock) {
            if (!transport.isClosed()) {
                transport.markClosed();
                endpoints.remove(transport.address(), transport);
                refreshLinksTo(transport.address(), null);
            }
        }
    }

    /** Under the lock: the endpoint of {@code address} opened or closed ({@code null}); tell who connected to it. */
    private void refreshLinksTo(NodeAddress address, MemoryTransport endpoint) {
        RuntimeException failure = null;
        for (MemoryTransport transport : endpoints.values()) {
            final MemoryTransport.Link link = transport.link(address);
            if (null != link) {
                link.destination(endpoint);
                failure = refreshCollecting(transport, link, failure);
            }
        }
        rethrow(failure);
    }

    /** Under the lock: the faults of a directed link, {@link LinkFaults#NONE} for a perfect one. */
    private LinkFaults linkFaultsOf(NodeAddress from, NodeAddress to) {
        if (from.equals(to)) {
            return LinkFaults.NONE;
        }
        final LinkFaults faultsOfLink = faultsByLink.getOrDefault(from, Map.of()).getOrDefault(to, defaultLinkFaults);
        // The send path tells a perfect link by identity, so an equal description must be the constant itself.
        return LinkFaults.NONE.equals(faultsOfLink) ? LinkFaults.NONE : faultsOfLink;
    }

    /** Under the lock: pushes the faults in force to every link, where the send path reads them. */
    private void applyLinkFaults() {
        for (MemoryTransport transport : endpoints.values()) {
            for (MemoryTransport.Link link : transport.links()) {
                link.faults(linkFaultsOf(transport.address(), link.peer()));
            }
        }
    }

    /** Under the lock. */
    private void changeFaults(NetworkFaults changed) {
        faults = changed;
        RuntimeException failure = null;
        for (MemoryTransport transport : endpoints.values()) {
            for (MemoryTransport.Link link : transport.links()) {
                failure = refreshCollecting(transport, link, failure);
            }
        }
        rethrow(failure);
    }

    /**
     * Under the lock: one failing listener must not keep the others from hearing of a change, so failures are
     * gathered and rethrown once every link is refreshed.
     */
    private RuntimeException refreshCollecting(MemoryTransport transport, MemoryTransport.Link link,
        RuntimeException failure) {
        try {
            refresh(transport, link);
            return failure;
        } catch (RuntimeException e) {
            if (null == failure) {
                return e;
            }
            failure.addSuppressed(e);
            return failure;
        }
    }

    /** Under the lock: reports the link's state to its listener if it changed since last reported. */
    private void refresh(MemoryTransport transport, MemoryTransport.Link link) {
        final boolean up = !transport.isClosed() && null != link.destination()
            && !faults.cuts(transport.address(), link.peer());
        if (up != link.reportedUp()) {
            link.reportedUp(up);
            if (up) {
                transport.listener().onConnected(link.peer());
            } else {
                transport.listener().onDisconnected(link.peer());
            }
        }
    }

    private static void rethrow(RuntimeException failure) {
        if (null != failure) {
            throw failure;
        }
    }

    private static NodeAddress parse(String address) {
        final NodeAddress parsed = NodeAddress.parse(address);
        checkMemoryAddress(parsed);
        return parsed;
    }

    private static void checkMemoryAddress(NodeAddress address) {
        if (!PROTOCOL.equals(address.protocol())) {
            throw new IllegalArgumentException("the in-memory network serves /mem/NAME addresses: expected protocol '"
                + PROTOCOL + "', actual '" + address.protocol() + "' in " + address);
        }
    }

    /** Creates the default network on first use; class initialization makes that thread-safe. */
    private static final class DefaultNetworkHolder {
        static final InMemoryNetwork NETWORK = new InMemoryNetwork();
    }
}
