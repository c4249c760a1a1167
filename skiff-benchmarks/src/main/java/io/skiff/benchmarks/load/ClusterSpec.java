package io.skiff.benchmarks.load;

import java.util.Locale;
import java.util.Objects;

/**
 * What an in-process benchmark cluster is made of.
 *
 * @param nodes        members, at least 1.
 * @param transport    {@code mem} (the testkit's in-memory network) or {@code udp} (Aeron on 127.0.0.1).
 * @param storage      {@code memory} or {@code xodus}.
 * @param durable      for {@code xodus}: fsync every log batch (the default) or not.
 * @param stateMachine {@code kv} (held in memory, persisted by snapshots) or {@code kv-storage} (resident in the
 *                     storage, committed with the applied index).
 */
public record ClusterSpec(int nodes, String transport, String storage, boolean durable, String stateMachine) {
    /** Transport by the in-memory network. */
    public static final String MEM = "mem";
    /** Transport by Aeron UDP on the loopback interface. */
    public static final String UDP = "udp";
    /** In-memory storage. */
    public static final String MEMORY = "memory";
    /** Xodus storage. */
    public static final String XODUS = "xodus";

    /**
     * @throws IllegalArgumentException naming the field, the value and what is accepted.
     */
    public ClusterSpec {
        if (nodes < 1 || nodes > 9) {
            throw new IllegalArgumentException("nodes must be 1 to 9, got " + nodes);
        }
        transport = Objects.requireNonNull(transport, "transport").toLowerCase(Locale.ROOT);
        storage = Objects.requireNonNull(storage, "storage").toLowerCase(Locale.ROOT);
        Objects.requireNonNull(stateMachine, "stateMachine");
        if (!transport.equals(MEM) && !transport.equals(UDP)) {
            throw new IllegalArgumentException("transport must be mem or udp, got " + transport);
        }
        if (!storage.equals(MEMORY) && !storage.equals(XODUS)) {
            throw new IllegalArgumentException("storage must be memory or xodus, got " + storage);
        }
        if (!stateMachine.equals("kv") && !stateMachine.equals("kv-storage")) {
            throw new IllegalArgumentException("state machine must be kv or kv-storage, got " + stateMachine);
        }
    }

    /** @return three nodes with the {@code kv} state machine, durable when on Xodus. */
    public static ClusterSpec of(String transport, String storage) {
        return new ClusterSpec(3, transport, storage, true, "kv");
    }

    @Override
    public String toString() {
        return nodes + " nodes, " + transport + " transport, " + storage
            + (storage.equals(XODUS) ? (durable ? " (fsync per batch)" : " (no fsync)") : "") + ", " + stateMachine;
    }
}
