package io.skiff.spi;

/**
 * Opens transports for one address protocol ({@code udp}, {@code tcp}, {@code mem}), as
 * {@code java.nio.file.spi.FileSystemProvider} serves one URI scheme.
 */
public interface TransportProvider {
    /** @return the protocol of the addresses this provider serves, e.g. {@code udp}. */
    String protocol();

    /**
     * Opens the transport of one node. It must be ready to send and poll when this returns.
     *
     * @param context the node's address, options and listener.
     * @return the transport, owned by the node from now on.
     */
    Transport open(TransportContext context);
}
