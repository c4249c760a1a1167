package io.skiff.storage.xodus;

import io.skiff.InvalidOptionsException;

import java.util.Objects;

/**
 * Options of the {@code xodus} storage, registered with
 * {@link io.skiff.SkiffOptions.Builder#providerOptions(Object)}; without them {@link #defaults()} apply.
 *
 * <pre>{@code
 * SkiffOptions.builder()
 *     .storage("xodus")
 *     .providerOptions(XodusStorageOptions.builder().durability(Durability.NO_SYNC).build())
 *     .build();
 * }</pre>
 */
public final class XodusStorageOptions {
    /** Default {@link #durability()}: {@link Durability#FSYNC}. */
    public static final Durability DEFAULT_DURABILITY = Durability.FSYNC;
    /** Xodus writes its log in pages of this size; a data file holds a whole number of them. */
    public static final int XODUS_PAGE_BYTES = 64 * 1024;
    /** Default {@link #fileSizeBytes()}: 8 MiB, Xodus's own default. */
    public static final long DEFAULT_FILE_SIZE_BYTES = 8L * 1024 * 1024;
    /** Largest accepted {@link #fileSizeBytes()}: 1 GiB. */
    public static final long MAX_FILE_SIZE_BYTES = 1024L * 1024 * 1024;
    /** Default {@link #cacheBytes()}: 0, Xodus's cache shared by the whole JVM. */
    public static final long DEFAULT_CACHE_BYTES = 0;
    /** Smallest accepted positive {@link #cacheBytes()}: 1 MiB. */
    public static final long MIN_CACHE_BYTES = 1024L * 1024;

    private static final XodusStorageOptions DEFAULTS = builder().build();

    private final Durability durability;
    private final long fileSizeBytes;
    private final long cacheBytes;

    private XodusStorageOptions(Builder b) {
        durability = b.durability;
        fileSizeBytes = b.fileSizeBytes;
        cacheBytes = b.cacheBytes;
    }

    /** @return a builder holding every default. */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the options used when none are registered. */
    public static XodusStorageOptions defaults() {
        return DEFAULTS;
    }

    /** @return when writes are forced to the device; see {@link Durability}. */
    public Durability durability() {
        return durability;
    }

    /**
     * The size of each Xodus data file ({@code *.xd}). Xodus reclaims space a whole file at a time, once its live
     * data has been copied forward, so smaller files return disk space sooner after compaction and larger ones mean
     * fewer files and less copying.
     *
     * @return the file size in bytes, a multiple of {@link #XODUS_PAGE_BYTES}.
     */
    public long fileSizeBytes() {
        return fileSizeBytes;
    }

    /**
     * Memory for Xodus's page cache. 0 uses Xodus's cache shared by every environment in the JVM, which grows up to
     * half the maximum heap and is sized by the first environment opened; a positive value gives this node its own
     * cache of that size, which suits several nodes in one JVM or a small heap.
     *
     * @return the cache size in bytes, or 0 for the shared cache.
     */
    public long cacheBytes() {
        return cacheBytes;
    }

    @Override
    public String toString() {
        return "XodusStorageOptions{durability=" + durability + ", fileSizeBytes=" + fileSizeBytes + ", cacheBytes="
            + cacheBytes + "}";
    }

    /** Mutable builder of {@link XodusStorageOptions}; {@link #build()} validates. */
    public static final class Builder {
        private Durability durability = DEFAULT_DURABILITY;
        private long fileSizeBytes = DEFAULT_FILE_SIZE_BYTES;
        private long cacheBytes = DEFAULT_CACHE_BYTES;

        private Builder() {
        }

        /**
         * @param durability when writes are forced to the device.
         * @return this builder.
         */
        public Builder durability(Durability durability) {
            this.durability = Objects.requireNonNull(durability, "durability");
            return this;
        }

        /**
         * @param bytes the size of each Xodus data file, a positive multiple of {@link #XODUS_PAGE_BYTES} up to
         *              {@link #MAX_FILE_SIZE_BYTES}.
         * @return this builder.
         */
        public Builder fileSizeBytes(long bytes) {
            fileSizeBytes = bytes;
            return this;
        }

        /**
         * @param bytes the page cache of this node, at least {@link #MIN_CACHE_BYTES}, or 0 for the JVM-wide cache.
         * @return this builder.
         */
        public Builder cacheBytes(long bytes) {
            cacheBytes = bytes;
            return this;
        }

        /**
         * @return the options.
         * @throws InvalidOptionsException naming the option, its value and what is accepted.
         */
        public XodusStorageOptions build() {
            if (fileSizeBytes <= 0 || fileSizeBytes % XODUS_PAGE_BYTES != 0 || fileSizeBytes > MAX_FILE_SIZE_BYTES) {
                throw new InvalidOptionsException("xodus fileSizeBytes must be a positive multiple of "
                    + XODUS_PAGE_BYTES + " (the Xodus page size) up to " + MAX_FILE_SIZE_BYTES + ", got "
                    + fileSizeBytes);
            }
            if (cacheBytes != 0 && cacheBytes < MIN_CACHE_BYTES) {
                throw new InvalidOptionsException("xodus cacheBytes must be 0 (the JVM-wide Xodus cache) or at least "
                    + MIN_CACHE_BYTES + ", got " + cacheBytes);
            }
            return new XodusStorageOptions(this);
        }
    }
}
