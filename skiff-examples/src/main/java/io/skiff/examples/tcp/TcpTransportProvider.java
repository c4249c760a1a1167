package io.skiff.examples.tcp;

import io.skiff.spi.Transport;
import io.skiff.spi.TransportContext;
import io.skiff.spi.TransportProvider;

/**
 * Serves addresses of protocol {@code tcp}, such as {@code /ip4/127.0.0.1/tcp/9490}. Found by
 * {@link java.util.ServiceLoader} through this module's {@code provides} clause on the module path and through
 * {@code META-INF/services/io.skiff.spi.TransportProvider} on the class path; a node whose address says {@code tcp}
 * gets a {@link TcpTransport} without naming this class anywhere.
 */
public final class TcpTransportProvider implements TransportProvider {
    /** The protocol this provider serves. */
    public static final String PROTOCOL = "tcp";

    /** Called by {@link java.util.ServiceLoader}. */
    public TcpTransportProvider() {
    }

    @Override
    public String protocol() {
        return PROTOCOL;
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException when the node's address is not a tcp address.
     * @throws io.skiff.SkiffException   when the address cannot be resolved or its port bound.
     */
    @Override
    public Transport open(TransportContext context) {
        return TcpTransport.open(context);
    }
}
