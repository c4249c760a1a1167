/**
 * A complete transport written against the SPI alone: plain TCP over {@code java.nio}, protocol {@code tcp}. It is
 * the worked example of the README's SPI guide; put this module on the module path (or its jar on the class path)
 * and nodes addressed {@code /ip4/HOST/tcp/PORT} use it.
 *
 * @provides io.skiff.spi.TransportProvider
 */
module io.skiff.examples.tcp {
    requires io.skiff;

    exports io.skiff.examples.tcp;

    provides io.skiff.spi.TransportProvider with io.skiff.examples.tcp.TcpTransportProvider;
}
