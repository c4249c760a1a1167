package io.skiff.spi;

import io.skiff.NodeAddress;
import io.skiff.SkiffNode;
import io.skiff.SkiffOptions;

/** Creates nodes; {@link io.skiff.Skiff#node(String, SkiffOptions)} uses the one found with ServiceLoader. */
public interface NodeFactory {
    /** @return a short name of the implementation, shown in error messages. */
    String name();

    /**
     * Creates a node that does nothing until started.
     *
     * @param address the node's address.
     * @param options its options.
     * @return the node.
     */
    SkiffNode create(NodeAddress address, SkiffOptions options);
}
