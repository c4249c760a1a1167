package io.skiff.spi;

/** Opens a node's storage; selected by {@link #name()} through {@link io.skiff.SkiffOptions#storage()}. */
public interface StorageProvider {
    /** @return the name options select this provider by, e.g. {@code memory} or {@code xodus}. */
    String name();

    /**
     * Opens (creating when missing) one node's storage.
     *
     * @param context the node and where its data lives.
     * @return the storage, owned by the node from now on.
     * @throws io.skiff.StorageException when the data cannot be opened or cannot be trusted (corruption, a lock
     *                                   held by another process); the message names the file and the problem.
     */
    Storage open(StorageContext context);
}
