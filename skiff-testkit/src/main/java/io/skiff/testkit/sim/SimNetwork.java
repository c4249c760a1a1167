package io.skiff.testkit.sim;

import io.skiff.NodeAddress;
import io.skiff.spi.Transport;
import io.skiff.spi.TransportContext;
import io.skiff.spi.TransportProvider;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The simulated network of {@code /mem/NAME} addresses: every frame becomes an event delivered after a seeded
 * latency, unless a cut or a link fault loses it. Cuts are directed, so one-way partitions are a cut in one
 * direction; a full partition cuts both. Each node's inbox holds at most {@code inboxLimit} frames, like a
 * bounded socket buffer; frames beyond it are lost. A link with {@link LinkFaults#maxInFlightFrames()} refuses a
 * send as back-pressured while that many of its frames are in flight; a duplicate beyond the limit is lost.
 */
public final class SimNetwork implements TransportProvider {
    private final Scheduler scheduler;
    private final SplittableRandom random;
    private final Map<NodeAddress, SimTransport> endpoints = new HashMap<>();
    private final Set<List<NodeAddress>> cuts = new HashSet<>();
    private final Map<List<NodeAddress>, LinkFaults> linkFaults = new HashMap<>();
    /** Frames in flight on each link with an in-flight limit; links without one are not counted. */
    private final Map<List<NodeAddress>, Integer> inFlight = new HashMap<>();
    private final int inboxLimit;
    private LinkFaults defaultFaults = LinkFaults.HEALTHY;
    private long sent;
    private long delivered;
    private long dropped;

    SimNetwork(Scheduler scheduler, SplittableRandom random, int inboxLimit) {
        this.scheduler = scheduler;
        this.random = random;
        this.inboxLimit = inboxLimit;
    }

    @Override
    public String protocol() {
        return "mem";
    }

    @Override
    public Transport open(TransportContext context) {
        final SimTransport transport = new SimTransport(this, context.localAddress());
        endpoints.put(context.localAddress(), transport);
        return transport;
    }

    /** Cuts every link between nodes of different groups; a node in no group is cut from all. */
    @SafeVarargs
    public final void partition(Collection<NodeAddress>... groups) {
        cuts.clear();
        final Map<NodeAddress, Integer> groupOf = new HashMap<>();
        for (int g = 0; g < groups.length; g++) {
            for (NodeAddress address : groups[g]) {
                groupOf.put(address, g);
            }
        }
        for (NodeAddress from : endpoints.keySet()) {
            for (NodeAddress to : endpoints.keySet()) {
                if (!from.equals(to) && !java.util.Objects.equals(groupOf.get(from), groupOf.get(to))) {
                    cuts.add(List.of(from, to));
                }
            }
        }
        for (NodeAddress from : endpoints.keySet()) {
            if (!groupOf.containsKey(from)) {
                isolate(from);
            }
        }
    }

    /** Cuts one node off from every other, both ways. */
    public void isolate(NodeAddress node) {
        for (NodeAddress other : endpoints.keySet()) {
            if (!other.equals(node)) {
                cuts.add(List.of(node, other));
                cuts.add(List.of(other, node));
            }
        }
    }

    /** Loses every frame from {@code from} to {@code to} (a one-way partition). */
    public void block(NodeAddress from, NodeAddress to) {
        cuts.add(List.of(from, to));
    }

    /** Removes every cut; link faults stay. */
    public void heal() {
        cuts.clear();
    }

    /** Sets the faults of every link without its own. */
    public void faults(LinkFaults faults) {
        defaultFaults = faults;
    }

    /** Sets the faults of one directed link. */
    public void faults(NodeAddress from, NodeAddress to, LinkFaults faults) {
        linkFaults.put(List.of(from, to), faults);
    }

    /** Restores healthy links everywhere and removes every cut. */
    public void reset() {
        cuts.clear();
        linkFaults.clear();
        defaultFaults = LinkFaults.HEALTHY;
    }

    public long sentFrames() {
        return sent;
    }

    public long deliveredFrames() {
        return delivered;
    }

    public long droppedFrames() {
        return dropped;
    }

    /** @return a node's endpoint (its latest incarnation's), or {@code null}. */
    SimTransport endpoint(NodeAddress address) {
        return endpoints.get(address);
    }

    boolean isCut(NodeAddress from, NodeAddress to) {
        return cuts.contains(List.of(from, to));
    }

    /** @return false when the link is at its in-flight limit and refuses the frame; true when it took it. */
    boolean send(NodeAddress from, NodeAddress to, byte[] frame, long departNs) {
        final List<NodeAddress> link = List.of(from, to);
        final LinkFaults faults = linkFaults.getOrDefault(link, defaultFaults);
        final int limit = faults.maxInFlightFrames();
        final boolean cut = cuts.contains(link);
        if (!cut && limit > 0 && inFlight.getOrDefault(link, 0) >= limit) {
            return false;
        }
        sent++;
        if (cut) {
            dropped++;
            return true;
        }
        final int type = frame.length > 5 ? frame[5] & 0xFF : 0;
        if (random.nextDouble() < faults.dropProbability()
            || ((faults.dropTypeMask() & (1L << (type & 63))) != 0
            && random.nextDouble() < faults.dropTypeProbability())) {
            dropped++;
            return true;
        }
        final int copies = random.nextDouble() < faults.duplicateProbability() ? 2 : 1;
        for (int i = 0; i < copies; i++) {
            long delay = faults.minDelayNs() + (faults.maxDelayNs() > faults.minDelayNs()
                ? random.nextLong(faults.maxDelayNs() - faults.minDelayNs() + 1) : 0);
            if (faults.reorderDelayNs() > 0 && random.nextDouble() < faults.reorderProbability()) {
                delay += random.nextLong(faults.reorderDelayNs() + 1);
            }
            if (limit > 0) {
                if (inFlight.getOrDefault(link, 0) >= limit) {
                    dropped++;
                    continue;
                }
                inFlight.merge(link, 1, Integer::sum);
                scheduler.at(departNs + delay, () -> {
                    inFlight.merge(link, -1, Integer::sum);
                    deliver(from, to, frame);
                });
            } else {
                scheduler.at(departNs + delay, () -> deliver(from, to, frame));
            }
        }
        return true;
    }

    private void deliver(NodeAddress from, NodeAddress to, byte[] frame) {
        final SimTransport endpoint = endpoints.get(to);
        // A cut made while the frame was in flight loses it too, as a real partition would.
        if (null == endpoint || endpoint.closed() || cuts.contains(List.of(from, to))) {
            dropped++;
            return;
        }
        final ArrayDeque<byte[]> inbox = endpoint.inbox();
        if (inbox.size() >= inboxLimit) {
            dropped++;
            return;
        }
        delivered++;
        inbox.add(frame);
        endpoint.onArrival();
    }
}
