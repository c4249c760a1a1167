package io.skiff.transport.aeron.internal;

import io.skiff.spi.Transport;
import io.skiff.spi.TransportContext;
import io.skiff.spi.TransportProvider;

/**
 * Serves addresses of protocol {@code udp} ({@code /ip4/HOST/udp/PORT}, {@code /ip6/HOST/udp/PORT},
 * {@code /dns4/NAME/udp/PORT}) with an {@link AeronTransport}. Found by {@link java.util.ServiceLoader}; instances
 * hold no state, since the embedded driver is shared per process whichever instance opened it.
 */
public final class AeronTransportProvider implements TransportProvider {
    /** The address protocol served. */
    public static final String PROTOCOL = "udp";

    /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
    public AeronTransportProvider() {
    }

    @Override
    public String protocol() {
        return PROTOCOL;
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException      when the local address is not a udp address.
     * @throws io.skiff.SkiffException       when the driver cannot start or be reached, or the node's endpoint
     *                                       cannot be resolved or bound.
     */
    @Override
    public Transport open(TransportContext context) {
        return AeronTransport.open(context);
    }
}
