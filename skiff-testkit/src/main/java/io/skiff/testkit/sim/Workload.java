package io.skiff.testkit.sim;

import io.skiff.Batch;
import io.skiff.NodeAddress;
import io.skiff.ReadConsistency;
import io.skiff.SkiffException;
import io.skiff.SkiffNode;
import io.skiff.testkit.check.History;
import io.skiff.testkit.check.Outcome;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Simulated clients issuing get/put/del/batch operations through {@link io.skiff.LevelUp} on random live nodes,
 * one operation at a time each, and recording every invocation and outcome in virtual time. Written values are
 * unique, so a lost or doubled write is visible to the checker. An operation that neither succeeds nor fails in
 * time is recorded as unknown: it may still take effect. Its future is still watched: {@link #hung} lists the calls
 * that a running node never completed, which the checker alone would accept as unknown. Batches stay within groups
 * of four keys, which keeps the linearizability check of the {@link #history()} per small group of keys.
 * Even-numbered clients read {@link ReadConsistency#LINEARIZABLE}, odd-numbered ones {@link ReadConsistency#LEASE};
 * both are checked alike.
 */
public final class Workload {
    /**
     * Shape of the workload.
     *
     * @param clients    concurrent clients.
     * @param keys       keys drawn from, {@code k0} to {@code k(keys-1)}.
     * @param thinkTime  the most a client waits between operations.
     * @param timeout    how long a client waits for an outcome before recording it unknown.
     * @param readShare  share of gets.
     * @param batchShare share of batches (the rest are puts and deletes, one delete per four).
     */
    public record Options(int clients, int keys, Duration thinkTime, Duration timeout, double readShare,
        double batchShare) {
        /** Five clients over eight keys, mostly reads and puts. */
        public static final Options DEFAULT = new Options(5, 8, Duration.ofMillis(20), Duration.ofSeconds(2), 0.45,
            0.15);
    }

    /** What one client asked for and what it was told. */
    public static final class Operation {
        public enum Kind { GET, PUT, DEL, BATCH }

        public enum Outcome { PENDING, OK, FAIL, UNKNOWN }

        private final int client;
        private final NodeAddress node;
        /** The incarnation of the node asked: a crash loses its calls with the process that held them. */
        private final int incarnation;
        private final Kind kind;
        private final String key;
        private final String value;
        private final Map<String, String> batch;
        private final long invokedNs;
        private long completedNs = -1;
        private Outcome outcome = Outcome.PENDING;
        private String read;
        private long historyId;
        private CompletableFuture<?> future;

        Operation(int client, NodeAddress node, int incarnation, Kind kind, String key, String value,
            Map<String, String> batch, long invokedNs) {
            this.client = client;
            this.node = node;
            this.incarnation = incarnation;
            this.kind = kind;
            this.key = key;
            this.value = value;
            this.batch = batch;
            this.invokedNs = invokedNs;
        }

        public int client() {
            return client;
        }

        /** @return the node the call was made on. */
        public NodeAddress node() {
            return node;
        }

        public Kind kind() {
            return kind;
        }

        /** @return the key of a get, put or delete. */
        public String key() {
            return key;
        }

        /** @return the value a put wrote. */
        public String value() {
            return value;
        }

        /** @return a batch's writes in order: key to value, or to {@code null} for a delete. */
        public Map<String, String> batch() {
            return batch;
        }

        public long invokedNs() {
            return invokedNs;
        }

        /** @return when the outcome arrived, or -1 while pending or unknown. */
        public long completedNs() {
            return completedNs;
        }

        public Outcome outcome() {
            return outcome;
        }

        /** @return what a successful get read, {@code null} for absent. */
        public String read() {
            return read;
        }

        void complete(Outcome result, String readValue, long nowNs) {
            if (outcome == Outcome.PENDING) {
                outcome = result;
                read = readValue;
                completedNs = result == Outcome.UNKNOWN ? -1 : nowNs;
            }
        }

        @Override
        public String toString() {
            return String.format("c%d on %s %s %s%s -> %s%s [%.3f, %s]", client, node, kind, null == batch ? key : batch,
                null == value ? "" : "=" + value, outcome, kind == Kind.GET && outcome == Outcome.OK ? " " + read : "",
                invokedNs / 1e6, completedNs < 0 ? "?" : String.format("%.3f", completedNs / 1e6));
        }
    }

    private final Simulation simulation;
    private final SplittableRandom random;
    private final Options options;
    private final List<Operation> operations = new ArrayList<>();
    private final History history = new History();
    private boolean running;
    private int written;

    public Workload(Simulation simulation, long seed, Options options) {
        this.simulation = simulation;
        this.random = new SplittableRandom(seed);
        this.options = options;
    }

    /** Starts every client. */
    public void start() {
        running = true;
        for (int client = 0; client < options.clients(); client++) {
            final int id = client;
            simulation.scheduler().after(random.nextLong(options.thinkTime().toNanos() + 1), () -> next(id));
        }
    }

    /** Clients issue nothing new; operations in flight still complete or time out. */
    public void stop() {
        running = false;
    }

    /** @return every operation so far, in invocation order. */
    public List<Operation> operations() {
        return Collections.unmodifiableList(operations);
    }

    /** @return the history in the checker's terms, for {@link io.skiff.testkit.check.LinearizabilityChecker}. */
    public History history() {
        return history;
    }

    /**
     * The calls that outlived the bound: made on an incarnation that still runs, and neither succeeded nor failed
     * within {@code boundNs} of the later of their invocation and the healing.
     *
     * @param healedAtNs when every fault was repaired.
     * @param boundNs    how long a call may take once the cluster is healthy.
     * @return the calls still pending past the bound, in invocation order.
     */
    public List<Operation> hung(long healedAtNs, long boundNs) {
        final List<Operation> hung = new ArrayList<>();
        for (Operation operation : operations) {
            if (!operation.future.isDone() && simulation.nowNs() >= Math.max(operation.invokedNs, healedAtNs) + boundNs
                && simulation.isRunning(operation.node, operation.incarnation)) {
                hung.add(operation);
            }
        }
        return hung;
    }

    /** @return when the last call still pending on a running incarnation is due, by {@link #hung}'s rule. */
    public long lastDueNs(long healedAtNs, long boundNs) {
        long last = simulation.nowNs();
        for (Operation operation : operations) {
            if (!operation.future.isDone() && simulation.isRunning(operation.node, operation.incarnation)) {
                last = Math.max(last, Math.max(operation.invokedNs, healedAtNs) + boundNs);
            }
        }
        return last;
    }

    /** @return operations that succeeded. */
    public long succeeded() {
        return operations.stream().filter(o -> o.outcome() == Operation.Outcome.OK).count();
    }

    private void next(int client) {
        if (!running) {
            return;
        }
        final List<SkiffNode> nodes = simulation.runningNodes();
        if (nodes.isEmpty()) {
            simulation.scheduler().after(options.thinkTime().toNanos() + 1, () -> next(client));
            return;
        }
        final SkiffNode node = nodes.get(random.nextInt(nodes.size()));
        final NodeAddress address = node.address();
        final int incarnation = simulation.incarnation(address);
        final double dice = random.nextDouble();
        final long now = simulation.nowNs();
        final Operation operation;
        final CompletableFuture<?> future;
        if (dice < options.readShare()) {
            final String key = key();
            operation = new Operation(client, address, incarnation, Operation.Kind.GET, key, null, null, now);
            future = node.levelup().get(key, client % 2 == 0 ? ReadConsistency.LINEARIZABLE
                : ReadConsistency.LEASE);
        } else if (dice < options.readShare() + options.batchShare()) {
            final Map<String, String> writes = new LinkedHashMap<>();
            final Batch batch = Batch.create();
            final int group = random.nextInt(Math.max(1, options.keys() / 4));
            for (int i = 1 + random.nextInt(3); i > 0; i--) {
                final String key = "k" + Math.min(options.keys() - 1, group * 4 + random.nextInt(4));
                if (random.nextInt(4) == 0) {
                    writes.put(key, null);
                    batch.del(key);
                } else {
                    final String value = value(client);
                    writes.put(key, value);
                    batch.put(key, value);
                }
            }
            operation = new Operation(client, address, incarnation, Operation.Kind.BATCH, null, null,
                Collections.unmodifiableMap(writes), now);
            future = node.levelup().batch(batch);
        } else if (random.nextInt(4) == 0) {
            final String key = key();
            operation = new Operation(client, address, incarnation, Operation.Kind.DEL, key, null, null, now);
            future = node.levelup().del(key);
        } else {
            final String key = key();
            final String value = value(client);
            operation = new Operation(client, address, incarnation, Operation.Kind.PUT, key, value, null, now);
            future = node.levelup().put(key, value);
        }
        operation.future = future;
        operations.add(operation);
        operation.historyId = history.invoke(client, checkerOperation(operation), now);
        future.whenComplete((result, failure) -> finished(client, operation, result, failure));
        simulation.scheduler().after(options.timeout().toNanos(), () -> {
            if (operation.outcome() == Operation.Outcome.PENDING) {
                operation.complete(Operation.Outcome.UNKNOWN, null, simulation.nowNs());
                history.complete(operation.historyId, Outcome.unknown(), simulation.nowNs());
                afterOperation(client);
            }
        });
    }

    private void finished(int client, Operation operation, Object result, Throwable failure) {
        if (operation.outcome() != Operation.Outcome.PENDING) {
            return;
        }
        if (null == failure) {
            final String read = result instanceof Optional<?> o ? (String)o.orElse(null) : null;
            operation.complete(Operation.Outcome.OK, read, simulation.nowNs());
            history.complete(operation.historyId, operation.kind() == Operation.Kind.GET ? Outcome.ok(read)
                : Outcome.ok(), simulation.nowNs());
        } else {
            final Throwable cause = failure instanceof CompletionException && null != failure.getCause()
                ? failure.getCause() : failure;
            final boolean unknown = cause instanceof SkiffException && ((SkiffException)cause).outcomeUnknown();
            operation.complete(unknown ? Operation.Outcome.UNKNOWN : Operation.Outcome.FAIL, null, simulation.nowNs());
            history.complete(operation.historyId, unknown ? Outcome.unknown() : Outcome.fail(), simulation.nowNs());
        }
        afterOperation(client);
    }

    private static io.skiff.testkit.check.Operation checkerOperation(Operation operation) {
        switch (operation.kind()) {
            case GET:
                return io.skiff.testkit.check.Operation.get(operation.key());
            case PUT:
                return io.skiff.testkit.check.Operation.put(operation.key(), operation.value());
            case DEL:
                return io.skiff.testkit.check.Operation.del(operation.key());
            default:
                final List<io.skiff.testkit.check.Operation> writes = new ArrayList<>();
                operation.batch().forEach((key, value) -> writes.add(null == value
                    ? io.skiff.testkit.check.Operation.del(key) : io.skiff.testkit.check.Operation.put(key, value)));
                return io.skiff.testkit.check.Operation.batch(writes);
        }
    }

    private void afterOperation(int client) {
        simulation.scheduler().after(random.nextLong(options.thinkTime().toNanos() + 1), () -> next(client));
    }

    private String key() {
        return "k" + random.nextInt(options.keys());
    }

    private String value(int client) {
        return "c" + client + "-" + (++written);
    }
}
