package io.skiff.testkit;

import io.skiff.NodeAddress;
import io.skiff.spi.Transport;
import io.skiff.spi.TransportContext;
import io.skiff.spi.TransportProvider;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The transport provider of a {@link LocalCluster}: it opens endpoints on the cluster's {@link InMemoryNetwork} and
 * wraps each in a {@link PausableTransport}, remembering the latest one of each address so that the cluster can
 * pause the node that runs on it.
 */
final class PausableNetwork implements TransportProvider {
    private final InMemoryNetwork network;
    private final ConcurrentMap<NodeAddress, PausableTransport> latest = new ConcurrentHashMap<>();

    PausableNetwork(InMemoryNetwork network) {
        this.network = network;
    }

    @Override
    public String protocol() {
        return network.protocol();
    }

    @Override
    public Transport open(TransportContext context) {
        final PausableTransport transport = new PausableTransport(network.open(context), context.localAddress());
        latest.put(context.localAddress(), transport);
        return transport;
    }

    /** @return the transport opened last for the address, or {@code null} if none was. */
    PausableTransport transport(NodeAddress address) {
        return latest.get(address);
    }
}
