/**
 * Durable Raft storage on JetBrains Xodus, selected with {@code storage("xodus")}.
 *
 * <p>Xodus is the shaded automatic module {@code io.skiff.xodus.bundle}; it is written in Kotlin, reads
 * {@code sun.misc.Unsafe} and asks {@code java.lang.management} for the process name, hence the three platform and
 * library modules required beside it. Only the package holding the provider and its options is exported.
 *
 * @provides io.skiff.spi.StorageProvider
 */
module io.skiff.storage.xodus {
    requires io.skiff;
    requires io.skiff.xodus.bundle;
    requires kotlin.stdlib;
    requires jdk.unsupported;
    requires java.management;

    exports io.skiff.storage.xodus;

    provides io.skiff.spi.StorageProvider with io.skiff.storage.xodus.XodusStorageProvider;
}
