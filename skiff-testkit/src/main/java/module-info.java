/**
 * Testing Skiff clusters in one JVM: the in-memory network with faults, contract tests for storage providers, and a
 * linearizability checker for key-value histories.
 *
 * @provides io.skiff.spi.TransportProvider the JVM-wide default in-memory network, protocol {@code mem}
 */
module io.skiff.testkit {
    requires transitive io.skiff;
    requires io.skiff.core;
    requires org.agrona;
    // Only SkiffExtension and the contract tests use them, and users' builds bring their own versions.
    requires static org.junit.jupiter.api;
    requires static org.assertj.core;

    exports io.skiff.testkit;
    exports io.skiff.testkit.spi;
    exports io.skiff.testkit.sim;
    exports io.skiff.testkit.check;

    provides io.skiff.spi.TransportProvider with io.skiff.testkit.DefaultMemoryNetworkProvider;
}
