package io.skiff.storage.xodus;

/**
 * When a write reaches the disk, and so what a crash can take away.
 *
 * <p>Both modes survive the <em>process</em> dying ({@code kill -9}, an OutOfMemoryError): every commit hands its
 * bytes to the operating system before it returns. They differ when the <em>machine</em> stops (power loss, kernel
 * panic, a VM killed by its host).
 */
public enum Durability {
    /**
     * Every {@link io.skiff.spi.LogStore#sync()}, {@link io.skiff.spi.StateStore#save} and snapshot commit forces the
     * data to the device ({@code fsync}) before it returns; nothing acknowledged is lost on power loss. The default,
     * and what Raft's safety argument assumes.
     */
    FSYNC,

    /**
     * Commits write to the operating system without {@code fsync}. Xodus itself forces the data only when a data
     * file fills up, at the first commit made more than 10 s after its previous fsync, and on close. A power loss or
     * kernel crash therefore loses every commit since that last fsync: under steady load roughly the last 10 s of
     * log entries, votes and snapshot commits, and after a burst followed by silence the whole burst. A node that
     * forgets a vote or an acknowledged entry can break Raft's guarantees, so use this only where the data is
     * disposable (tests, benchmarks) or where no two nodes can lose power together and losing the last seconds of
     * one node is acceptable.
     */
    NO_SYNC
}
