package io.skiff.spi;

import io.skiff.NodeAddress;
import io.skiff.SkiffOptions;

/**
 * What a transport is opened with.
 *
 * @param localAddress the node's own address, to listen on.
 * @param options      the node's options; a transport reads its own from
 *                     {@link SkiffOptions#providerOptions(Class)}.
 * @param listener     where the transport reports connections and warnings.
 */
public record TransportContext(NodeAddress localAddress, SkiffOptions options, TransportListener listener) {
}
