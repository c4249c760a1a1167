package io.skiff.transport.aeron;

import io.skiff.InvalidOptionsException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Options of the {@code udp} transport, registered with
 * {@link io.skiff.SkiffOptions.Builder#providerOptions(Object)} and read by the transport through
 * {@link io.skiff.SkiffOptions#providerOptions(Class)}; without them every default applies.
 *
 * <p>Immutable; built and validated by {@link #builder()}. Every setter checks its own value and
 * {@link Builder#build()} checks the combination, throwing {@link InvalidOptionsException} with a message that
 * names the option and value.
 *
 * <p>Which settings reach the media driver: the term length, MTU and linger are set per publication (in its channel),
 * so nodes of one process may differ in them. The idle strategy and the liveness timeout are the embedded driver's,
 * and the driver is shared by the nodes of a process that use the same driver directory: the first node to start it
 * chooses them.
 */
public final class AeronTransportOptions {
    /** Default {@link #termLength()}: 1 MiB, which allows frames up to 128 KiB (a term holds 8 such frames). */
    public static final int DEFAULT_TERM_LENGTH = 1024 * 1024;
    /** Smallest {@link #termLength()} Aeron accepts: 64 KiB. */
    public static final int MIN_TERM_LENGTH = 64 * 1024;
    /** Largest {@link #termLength()} Aeron accepts: 1 GiB. */
    public static final int MAX_TERM_LENGTH = 1024 * 1024 * 1024;
    /** Default {@link #mtu()}: 1408 bytes, which fits an Ethernet frame with IP and UDP headers to spare. */
    public static final int DEFAULT_MTU = 1408;
    /** Smallest {@link #mtu()}: Aeron's 32-byte frame header plus one aligned 32-byte payload. */
    public static final int MIN_MTU = 64;
    /** Largest {@link #mtu()}: the largest UDP payload Aeron sends, 65504 bytes. */
    public static final int MAX_MTU = 65504;
    /** Aeron frames are aligned to 32 bytes, so the MTU must be a multiple of it. */
    public static final int MTU_ALIGNMENT = 32;
    /** Default {@link #publicationLinger()}: 1 s, long enough to retransmit the last frames sent before a close. */
    public static final Duration DEFAULT_PUBLICATION_LINGER = Duration.ofSeconds(1);
    /** Default {@link #streamId()}. */
    public static final int DEFAULT_STREAM_ID = 1;
    /** Default {@link #idleStrategy()}: back off, never spin (see {@link AeronIdleStrategy}). */
    public static final AeronIdleStrategy DEFAULT_IDLE_STRATEGY = AeronIdleStrategy.BACKOFF;
    /** Default {@link #livenessTimeout()}: Aeron's own, 10 s. */
    public static final Duration DEFAULT_LIVENESS_TIMEOUT = Duration.ofSeconds(10);
    /** Shortest {@link #livenessTimeout()}: a few of the Aeron client's 0.5 s keepalives must fit in it. */
    public static final Duration MIN_LIVENESS_TIMEOUT = Duration.ofSeconds(2);
    /** Longest {@link #livenessTimeout()}. */
    public static final Duration MAX_LIVENESS_TIMEOUT = Duration.ofHours(1);

    private static final AeronTransportOptions DEFAULTS = new Builder().build();

    private final boolean embeddedDriver;
    private final Path driverDirectory;
    private final int termLength;
    private final int mtu;
    private final AeronIdleStrategy idleStrategy;
    private final Duration publicationLinger;
    private final int streamId;
    private final Duration livenessTimeout;

    private AeronTransportOptions(Builder b) {
        embeddedDriver = b.embeddedDriver;
        driverDirectory = b.driverDirectory;
        termLength = b.termLength;
        mtu = b.mtu;
        idleStrategy = b.idleStrategy;
        publicationLinger = b.publicationLinger;
        streamId = b.streamId;
        livenessTimeout = b.livenessTimeout;
    }

    /** @return options with every default: an embedded driver in a fresh per-process directory. */
    public static AeronTransportOptions defaults() {
        return DEFAULTS;
    }

    /** @return a builder holding every default. */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder holding these options, to derive others from them. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * Whether the node starts (or joins) a media driver inside its own process. Nodes of one process that use the
     * same driver directory share one embedded driver; it starts with the first and stops with the last.
     *
     * @return {@code true} (default) for an embedded driver, {@code false} to attach to a driver already running.
     */
    public boolean embeddedDriver() {
        return embeddedDriver;
    }

    /**
     * The media driver's directory. Without one, an embedded driver gets a fresh directory per process (under
     * {@code /dev/shm} when present, else {@code java.io.tmpdir}) and an external driver is looked for in Aeron's
     * default directory ({@code aeron.dir}, on Linux {@code /dev/shm/aeron-USER}).
     *
     * @return the directory, if one was set.
     */
    public Optional<Path> driverDirectory() {
        return Optional.ofNullable(driverDirectory);
    }

    /**
     * Length of each of the three terms of a publication's log, in bytes. It bounds the frame length: Aeron accepts
     * messages up to an eighth of a term ({@link #maxFrameLength()}).
     *
     * @return the term length.
     */
    public int termLength() {
        return termLength;
    }

    /** @return the longest frame these options allow, in bytes: {@link #termLength()} / 8. */
    public int maxFrameLength() {
        return termLength >> 3;
    }

    /** @return the largest UDP datagram payload sent, in bytes; longer frames are sent in fragments. */
    public int mtu() {
        return mtu;
    }

    /** @return how the embedded media driver's thread waits when idle. */
    public AeronIdleStrategy idleStrategy() {
        return idleStrategy;
    }

    /**
     * How long a closed publication's log is kept so that frames sent just before the close can still be
     * retransmitted to a peer that lost them.
     *
     * @return the linger time.
     */
    public Duration publicationLinger() {
        return publicationLinger;
    }

    /**
     * The Aeron stream id the nodes publish and subscribe on; every node of a cluster must use the same one.
     *
     * @return the stream id.
     */
    public int streamId() {
        return streamId;
    }

    /**
     * How long the media driver keeps a silent Aeron client, and the client a silent driver, before giving up on it
     * (Aeron's client liveness and driver timeouts); the embedded driver also keeps a publication blocked by a
     * client that stopped for 1.5 times as long. A node that stops for longer (a GC pause, a frozen VM or container,
     * SIGSTOP) loses its Aeron client, which the transport then rebuilds. Only the embedded driver's side is set
     * here; an external driver has its own ({@code aeron.client.liveness.timeout}).
     *
     * @return the timeout.
     */
    public Duration livenessTimeout() {
        return livenessTimeout;
    }

    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof AeronTransportOptions)) {
            return false;
        }
        final AeronTransportOptions that = (AeronTransportOptions)other;
        return embeddedDriver == that.embeddedDriver && termLength == that.termLength && mtu == that.mtu
            && streamId == that.streamId && idleStrategy == that.idleStrategy
            && Objects.equals(driverDirectory, that.driverDirectory)
            && publicationLinger.equals(that.publicationLinger) && livenessTimeout.equals(that.livenessTimeout);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
            embeddedDriver, driverDirectory, termLength, mtu, idleStrategy, publicationLinger, streamId, livenessTimeout);
    }

    @Override
    public String toString() {
        return "AeronTransportOptions{embeddedDriver=" + embeddedDriver + ", driverDirectory=" + driverDirectory
            + ", termLength=" + termLength + ", mtu=" + mtu + ", idleStrategy=" + idleStrategy.optionName()
            + ", publicationLinger=" + publicationLinger + ", streamId=" + streamId + ", livenessTimeout="
            + livenessTimeout + "}";
    }

    /** Mutable builder of {@link AeronTransportOptions}; setters validate their argument, {@link #build()} the rest. */
    public static final class Builder {
        private boolean embeddedDriver = true;
        private Path driverDirectory;
        private int termLength = DEFAULT_TERM_LENGTH;
        private int mtu = DEFAULT_MTU;
        private AeronIdleStrategy idleStrategy = DEFAULT_IDLE_STRATEGY;
        private Duration publicationLinger = DEFAULT_PUBLICATION_LINGER;
        private int streamId = DEFAULT_STREAM_ID;
        private Duration livenessTimeout = DEFAULT_LIVENESS_TIMEOUT;

        private Builder() {
        }

        private Builder(AeronTransportOptions o) {
            embeddedDriver = o.embeddedDriver;
            driverDirectory = o.driverDirectory;
            termLength = o.termLength;
            mtu = o.mtu;
            idleStrategy = o.idleStrategy;
            publicationLinger = o.publicationLinger;
            streamId = o.streamId;
            livenessTimeout = o.livenessTimeout;
        }

        /**
         * Chooses an embedded media driver (default) or an external one already running.
         *
         * @param embedded {@code true} to start the driver in this process.
         * @return this builder.
         */
        public Builder embeddedDriver(boolean embedded) {
            embeddedDriver = embedded;
            return this;
        }

        /**
         * Attaches to an external media driver running in the given directory; shorthand for
         * {@code embeddedDriver(false).driverDirectory(directory)}.
         *
         * @param directory the external driver's directory ({@code aeron.dir}).
         * @return this builder.
         */
        public Builder externalDriver(Path directory) {
            return embeddedDriver(false).driverDirectory(directory);
        }

        /**
         * Sets the media driver's directory. For an embedded driver the directory is deleted when the driver starts
         * and when it stops, so it must be one that nothing else uses.
         *
         * @param directory the directory.
         * @return this builder.
         */
        public Builder driverDirectory(Path directory) {
            if (null == directory || directory.toString().isBlank()) {
                throw new InvalidOptionsException("driverDirectory '" + directory + "' is invalid: expected a path");
            }
            driverDirectory = directory;
            return this;
        }

        /**
         * Sets the term length of every publication this node opens.
         *
         * @param bytes a power of two from {@link #MIN_TERM_LENGTH} (64 KiB) to {@link #MAX_TERM_LENGTH} (1 GiB).
         * @return this builder.
         */
        public Builder termLength(int bytes) {
            if (bytes < MIN_TERM_LENGTH || bytes > MAX_TERM_LENGTH || Integer.bitCount(bytes) != 1) {
                throw new InvalidOptionsException("termLength " + bytes + " is invalid: expected a power of two from "
                    + MIN_TERM_LENGTH + " (64 KiB) to " + MAX_TERM_LENGTH + " (1 GiB)");
            }
            termLength = bytes;
            return this;
        }

        /**
         * Sets the MTU of every publication this node opens.
         *
         * @param bytes a multiple of 32 from {@link #MIN_MTU} to {@link #MAX_MTU}.
         * @return this builder.
         */
        public Builder mtu(int bytes) {
            if (bytes < MIN_MTU || bytes > MAX_MTU || bytes % MTU_ALIGNMENT != 0) {
                throw new InvalidOptionsException("mtu " + bytes + " is invalid: expected a multiple of "
                    + MTU_ALIGNMENT + " from " + MIN_MTU + " to " + MAX_MTU);
            }
            mtu = bytes;
            return this;
        }

        /**
         * Sets how the embedded media driver waits when idle.
         *
         * @param strategy the strategy.
         * @return this builder.
         */
        public Builder idleStrategy(AeronIdleStrategy strategy) {
            if (null == strategy) {
                throw new InvalidOptionsException("idleStrategy is null: expected one of backoff, sleep, yield, "
                    + "busy-spin");
            }
            idleStrategy = strategy;
            return this;
        }

        /**
         * Sets how the embedded media driver waits when idle, by name.
         *
         * @param name {@code backoff} (default), {@code sleep}, {@code yield} or {@code busy-spin}.
         * @return this builder.
         */
        public Builder idleStrategy(String name) {
            idleStrategy = AeronIdleStrategy.fromName(name);
            return this;
        }

        /**
         * Sets how long a closed publication's log lingers.
         *
         * @param linger zero or more, at most a day.
         * @return this builder.
         */
        public Builder publicationLinger(Duration linger) {
            if (null == linger || linger.isNegative() || linger.compareTo(Duration.ofDays(1)) > 0) {
                throw new InvalidOptionsException("publicationLinger " + linger + " is invalid: expected a duration "
                    + "from 0 to 1 day");
            }
            publicationLinger = linger;
            return this;
        }

        /**
         * Sets the Aeron stream id.
         *
         * @param id any int; every node of a cluster must use the same one.
         * @return this builder.
         */
        public Builder streamId(int id) {
            streamId = id;
            return this;
        }

        /**
         * Sets how long a silent Aeron client or media driver is kept (see {@link #livenessTimeout()}).
         *
         * @param timeout from {@link #MIN_LIVENESS_TIMEOUT} (2 s) to {@link #MAX_LIVENESS_TIMEOUT} (1 h).
         * @return this builder.
         */
        public Builder livenessTimeout(Duration timeout) {
            if (null == timeout || timeout.compareTo(MIN_LIVENESS_TIMEOUT) < 0
                || timeout.compareTo(MAX_LIVENESS_TIMEOUT) > 0) {
                throw new InvalidOptionsException("livenessTimeout " + timeout + " is invalid: expected a duration "
                    + "from " + MIN_LIVENESS_TIMEOUT + " to " + MAX_LIVENESS_TIMEOUT);
            }
            livenessTimeout = timeout;
            return this;
        }

        /**
         * Validates the combination and builds the options.
         *
         * @return the options.
         * @throws InvalidOptionsException when the MTU does not fit the receiver window of the term length.
         */
        public AeronTransportOptions build() {
            // Aeron's receiver window is at most half a term and must hold at least one datagram.
            if (mtu > termLength / 2) {
                throw new InvalidOptionsException("mtu " + mtu + " does not fit termLength " + termLength
                    + ": expected mtu <= termLength / 2 (" + termLength / 2 + ")");
            }
            return new AeronTransportOptions(this);
        }
    }
}
