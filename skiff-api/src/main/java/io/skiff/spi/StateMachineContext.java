package io.skiff.spi;

import io.skiff.NodeAddress;
import io.skiff.SkiffOptions;

/**
 * What a state machine is opened with.
 *
 * @param address the node.
 * @param options its options.
 * @param storage its storage, for state machines that keep their state next to the log.
 */
public record StateMachineContext(NodeAddress address, SkiffOptions options, Storage storage) {
}
