package io.skiff;

import io.skiff.spi.NodeFactory;
import io.skiff.spi.Providers;

/**
 * Entry point: creates nodes through the {@link NodeFactory} found on the module path or class path.
 *
 * <pre>{@code
 * SkiffNode node = Skiff.node("/ip4/127.0.0.1/udp/9490",
 *     SkiffOptions.builder().peers("/ip4/127.0.0.1/udp/9491", "/ip4/127.0.0.1/udp/9492").build());
 * node.start().join();
 * node.levelup().put("key", "value").join();
 * }</pre>
 */
public final class Skiff {
    private Skiff() {
    }

    /**
     * Creates a node; it does nothing until {@link SkiffNode#start()}.
     *
     * @param address the node's address, see {@link NodeAddress}.
     * @param options its options.
     * @return the node.
     * @throws InvalidAddressException when the address is malformed.
     * @throws InvalidOptionsException when the options do not fit the address (e.g. it lists itself as a peer).
     * @throws NoProviderException     when no node implementation (skiff-core) is present.
     */
    public static SkiffNode node(String address, SkiffOptions options) {
        return node(NodeAddress.parse(address), options);
    }

    /**
     * Creates a node with default options.
     *
     * @param address the node's address.
     * @return the node.
     */
    public static SkiffNode node(String address) {
        return node(address, SkiffOptions.defaults());
    }

    /**
     * Creates a node.
     *
     * @param address the node's address.
     * @param options its options.
     * @return the node.
     */
    public static SkiffNode node(NodeAddress address, SkiffOptions options) {
        if (null == options) {
            throw new InvalidOptionsException("options must not be null; use SkiffOptions.defaults()");
        }
        if (options.peers().contains(address)) {
            throw new InvalidOptionsException("peers must not contain the node's own address " + address);
        }
        return Providers.nodeFactory().create(address, options);
    }
}
