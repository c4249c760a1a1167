package io.skiff.faults;

import io.skiff.testkit.check.History;
import io.skiff.testkit.check.Operation;
import io.skiff.testkit.check.Outcome;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Clients that read and write a few keys through the gateways while the nemesis works, recording every call in a
 * {@link History}: gets, puts, deletes and atomic batches over pairs of keys ({@code k0}+{@code k1}, ...), with
 * values unique to the write ({@code c2-17}: client 2's 17th), so that a read pins the write it saw. Each client
 * starts on its own node and moves to the next one after a call that did not succeed, as a client with a list of
 * nodes does. Each client's choices come from the run's seed; the interleaving is the machine's.
 *
 * <p>Bounded: a client stops when told to, after {@code maxOpsPerClient} calls, or at its deadline, whichever is
 * first; every call is bounded by the gateway's timeout.
 */
final class Workload {
    static final int KEYS = 8;
    private static final int THINK_MIN_MS = 5;
    private static final int THINK_SPREAD_MS = 15;

    private final List<Member> members;
    private final Gateway gateway;
    private final History history;
    private final long seed;
    private final int clients;
    private final int maxOpsPerClient;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();

    Workload(List<Member> members, Gateway gateway, History history, long seed, int clients, int maxOpsPerClient) {
        this.members = members;
        this.gateway = gateway;
        this.history = history;
        this.seed = seed;
        this.clients = clients;
        this.maxOpsPerClient = maxOpsPerClient;
    }

    static String key(int index) {
        return "k" + index;
    }

    /** @param deadline the longest the clients may run, a bound in case {@link #stop()} is never reached. */
    void start(Duration deadline) {
        final long deadlineNs = System.nanoTime() + deadline.toNanos();
        for (int client = 0; client < clients; client++) {
            final int id = client;
            final Thread thread = new Thread(() -> run(id, deadlineNs), "fault-client-" + id);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    /** Stops the clients and waits for their calls in progress (each bounded by the gateway's timeout). */
    void stop() {
        stop.set(true);
        for (Thread thread : threads) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void run(int client, long deadlineNs) {
        final Random random = new Random(seed * 1_000_003L + client);
        int node = client % members.size();
        for (int n = 0; n < maxOpsPerClient && !stop.get() && System.nanoTime() - deadlineNs < 0; n++) {
            final Operation operation = next(random, client, n);
            final long call = history.invoke(client, operation, System.nanoTime());
            final Outcome outcome = gateway.execute(members.get(node), operation);
            history.complete(call, outcome, System.nanoTime());
            if (Outcome.Status.OK != outcome.status()) {
                node = (node + 1) % members.size();
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(THINK_MIN_MS + random.nextInt(THINK_SPREAD_MS)));
        }
    }

    private static Operation next(Random random, int client, int n) {
        final int key = random.nextInt(KEYS);
        final String value = "c" + client + "-" + n;
        final int dice = random.nextInt(100);
        if (dice < 45) {
            return Operation.get(key(key));
        }
        if (dice < 75) {
            return Operation.put(key(key), value);
        }
        if (dice < 80) {
            return Operation.del(key(key));
        }
        final int first = key & ~1;
        // Within a pair of keys, so that the checker's partitions stay small.
        return random.nextBoolean()
            ? Operation.batch(Operation.put(key(first), value), Operation.put(key(first + 1), value))
            : Operation.batch(Operation.put(key(first), value), Operation.del(key(first + 1)));
    }
}
