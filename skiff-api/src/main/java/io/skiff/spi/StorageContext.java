package io.skiff.spi;

import io.skiff.NodeAddress;
import io.skiff.SkiffOptions;

import java.nio.file.Path;

/**
 * What storage is opened with.
 *
 * @param address   the node whose data this is.
 * @param options   the node's options; a provider reads its own from {@link SkiffOptions#providerOptions(Class)}.
 * @param directory this node's own directory under {@link SkiffOptions#location()}; on-disk providers keep all
 *                  their files in it, in-memory ones ignore it.
 */
public record StorageContext(NodeAddress address, SkiffOptions options, Path directory) {
}
