package io.skiff.storage.xodus;

import io.skiff.StorageException;
import io.skiff.spi.Storage;
import io.skiff.spi.StorageContext;
import io.skiff.spi.StorageProvider;
import io.skiff.storage.xodus.store.XodusStorage;

/**
 * The {@code xodus} storage: one Xodus environment per node, in {@link StorageContext#directory()}.
 *
 * <p>Found through {@link java.util.ServiceLoader} by name, or instantiated directly and passed with
 * {@link io.skiff.SkiffOptions.Builder#storageProvider}. Reads {@link XodusStorageOptions} from the node's options.
 */
public final class XodusStorageProvider implements StorageProvider {
    /** The name options select this storage by. */
    public static final String NAME = "xodus";

    /** Creates the provider; it holds no state, every {@link #open} is independent. */
    public XodusStorageProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    /**
     * Opens the node's Xodus environment, creating the directory when missing, and verifies what it holds before
     * returning: the format marker, every log record (checksum, index, contiguity against the recorded bounds), the
     * saved term and vote, the latest snapshot's record count, and the key-value store's applied index record and
     * its first and last entries. The storage keeps a {@link io.skiff.spi.KvStore} for the {@code kv-storage} state
     * machine.
     *
     * @throws StorageException when the directory is in use (by this process or another: the Xodus lock), holds
     *                          data of an unknown format version, or holds anything that fails verification; the
     *                          message names the directory, the store and record, and what was expected.
     */
    @Override
    public Storage open(StorageContext context) {
        final XodusStorageOptions options = context.options().providerOptions(XodusStorageOptions.class)
            .orElse(XodusStorageOptions.defaults());
        return XodusStorage.open(context.directory(), context.address(), options);
    }
}
