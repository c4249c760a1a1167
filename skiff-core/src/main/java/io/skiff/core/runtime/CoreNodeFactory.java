package io.skiff.core.runtime;

import io.skiff.NodeAddress;
import io.skiff.SkiffNode;
import io.skiff.SkiffOptions;
import io.skiff.spi.NodeFactory;

/** The node implementation of skiff-core, found by {@link io.skiff.Skiff#node} through ServiceLoader. */
public final class CoreNodeFactory implements NodeFactory {
    @Override
    public String name() {
        return "core";
    }

    @Override
    public SkiffNode create(NodeAddress address, SkiffOptions options) {
        return new CoreSkiffNode(address, options, ThreadedHost.INSTANCE);
    }

    /**
     * Creates a node on a given host, e.g. a simulation's.
     *
     * @param address the node's address.
     * @param options its options.
     * @param host    what it runs on.
     * @return the node.
     */
    public static SkiffNode create(NodeAddress address, SkiffOptions options, NodeHost host) {
        return new CoreSkiffNode(address, options, host);
    }
}
