package io.skiff.testkit;

import io.skiff.NodeAddress;
import io.skiff.spi.Transport;
import io.skiff.spi.TransportContext;
import io.skiff.spi.TransportListener;
import io.skiff.spi.TransportProvider;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A network inside one JVM for nodes with {@code /mem/NAME} addresses, like the original Skiff's
 * {@code Skiff.createNetwork()}: nodes whose options carry {@code .network(net)} share it, and a test cuts links
 * between them with {@link #partition}, {@link #isolate} and {@link #block}, and restores them with {@link #heal}.
 *
 * <pre>{@code
 * InMemoryNetwork net = new InMemoryNetwork();
 * SkiffOptions options = SkiffOptions.builder().network(net).peers("/mem/b", "/mem/c").build();
 * SkiffNode a = Skiff.node("/mem/a", options);
 * net.partition(List.of("/mem/a"), List.of("/mem/b", "/mem/c"));
 * }</pre>
 *
 * <p>Each opened {@link Transport} is an endpoint with an inbox of {@link #inboxCapacity()} bytes. A send copies the
 * frame into the destination's inbox and returns {@link io.skiff.spi.SendResult#SENT}, or
 * {@link io.skiff.spi.SendResult#BACK_PRESSURED} when the inbox is full, or
 * {@link io.skiff.spi.SendResult#NOT_CONNECTED} when the sender has not called {@code connect(peer)} or the peer is
 * not open. Frames across a cut are dropped silently (the sender sees {@code SENT}) and counted in
 * {@link #droppedFrames()}. Within one sender and destination frames arrive in order; the network never
 * duplicates them.
 *
 * <p>Connection events: an endpoint's {@link TransportListener} hears {@code onConnected(peer)} once it has
 * connected to the peer and the peer is open and reachable, and {@code onDisconnected(peer)} when that stops being
 * true (the peer closed, a cut, or {@code disconnect(peer)}); each change is reported once. Listeners are called
 * on the thread that made the change, under the network's lock, so they must not block.
 *
 * <p>Thread-safe. Faults take effect at once for every sender; the complete fault injector (delay, duplication,
 * reordering, probabilities) is separate.
 */
public final class InMemoryNetwork implements TransportProvider {
    /** The address protocol this network serves. */
    public static final String PROTOCOL = "mem";
    /** Default {@link #inboxCapacity()}: 4 MiB, so the longest frame is 512 KiB. */
    public static final int DEFAULT_INBOX_CAPACITY = 4 * 1024 * 1024;
    /** The smallest {@link #inboxCapacity()} accepted. */
    public static final int MIN_INBOX_CAPACITY = 1024;

    private final int inboxCapacity;
    /** Guards opening, closing, connecting and fault changes, so that connection events come out once and in order. */
    private final Object lock = new Object();
    private final ConcurrentMap<NodeAddress, MemoryTransport> endpoints = new ConcurrentHashMap<>();
    private final AtomicLong droppedFrames = new AtomicLong();
    private volatile NetworkFaults faults = NetworkFaults.NONE;

    /** Creates a network whose endpoints have inboxes of {@link #DEFAULT_INBOX_CAPACITY}. */
    public InMemoryNetwork() {
        this(DEFAULT_INBOX_CAPACITY);
    }

    /**
     * Creates a network.
     *
     * @param inboxCapacity bytes of each endpoint's inbox, a power of two of at least {@link #MIN_INBOX_CAPACITY};
     *                      the longest frame is an eighth of it.
     * @throws IllegalArgumentException when the capacity is not such a power of two.
     */
    public InMemoryNetwork(int inboxCapacity) {
        if (inboxCapacity < MIN_INBOX_CAPACITY || Integer.bitCount(inboxCapacity) != 1) {
            throw new IllegalArgumentException("inboxCapacity must be a power of two of at least "
                + MIN_INBOX_CAPACITY + " bytes, got " + inboxCapacity);
        }
        this.inboxCapacity = inboxCapacity;
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

    /** Removes every partition, isolation and block. */
    public void heal() {
        synchronized (lock) {
            changeFaults(NetworkFaults.NONE);
        }
    }

    /** @return frames dropped because they crossed a cut, since the network was created. */
    public long droppedFrames() {
        return droppedFrames.get();
    }

    /** @return bytes of each endpoint's inbox. */
    public int inboxCapacity() {
        return inboxCapacity;
    }

    @Override
    public String toString() {
        return "InMemoryNetwork{endpoints=" + endpoints.keySet() + ", " + faults + "}";
    }

    boolean cuts(NodeAddress from, NodeAddress to) {
        return faults.cuts(from, to);
    }

    void countDroppedFrame() {
        droppedFrames.incrementAndGet();
    }

    void connect(MemoryTransport transport, NodeAddress peer) {
        Objects.requireNonNull(peer, "peer");
        synchronized (lock) {
            if (!transport.isClosed()) {
                final MemoryTransport.Link link = transport.addLink(peer);
                link.destination(endpoints.get(peer));
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
