/**
 * The {@code udp} transport: Aeron UDP with an embedded media driver shared by the nodes of one process.
 *
 * <p>Only {@link io.skiff.transport.aeron.AeronTransportOptions} and its companions are exported; the transport
 * itself is found through {@link java.util.ServiceLoader} by the address protocol {@code udp}. See the package
 * documentation of {@code io.skiff.transport.aeron} for the JVM flags this module needs on the module path.
 *
 * @provides io.skiff.spi.TransportProvider
 */
module io.skiff.transport.aeron {
    requires io.skiff;
    requires io.aeron.client;
    requires io.aeron.driver;
    requires org.agrona;

    exports io.skiff.transport.aeron;

    provides io.skiff.spi.TransportProvider with io.skiff.transport.aeron.internal.AeronTransportProvider;
}
