package io.skiff.testkit;

import io.skiff.spi.Transport;
import io.skiff.spi.TransportContext;
import io.skiff.spi.TransportProvider;

/**
 * The transport provider for protocol {@code mem} found by {@link java.util.ServiceLoader}: it opens endpoints on
 * the JVM-wide {@link InMemoryNetwork#defaultNetwork()}, so that {@code Skiff.node("/mem/a", options)} works without
 * {@code .network(net)}. Every instance serves the same network.
 */
public final class DefaultMemoryNetworkProvider implements TransportProvider {
    /** Creates the provider; the network it serves is shared by all instances. */
    public DefaultMemoryNetworkProvider() {
    }

    @Override
    public String protocol() {
        return InMemoryNetwork.PROTOCOL;
    }

    /**
     * Opens an endpoint on the default network.
     *
     * @see InMemoryNetwork#open(TransportContext)
     */
    @Override
    public Transport open(TransportContext context) {
        return InMemoryNetwork.defaultNetwork().open(context);
    }
}
