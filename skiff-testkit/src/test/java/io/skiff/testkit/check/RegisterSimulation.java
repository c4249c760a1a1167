package io.skiff.testkit.check;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * Generates linearizable key-value histories by running clients against a real, sequential map: each operation
 * takes effect at one tick between its invocation and its completion (or, for some unknown outcomes, later or
 * never), so the history is linearizable by construction. Written values are unique.
 *
 * <p>The result is a {@link Script} of invocations and completions in recording order, so a test can replay it
 * into a {@link History} with one outcome changed.
 */
final class RegisterSimulation {
    /** Shape of a generated workload. */
    static final class Workload {
        int clients = 5;
        int keys = 4;
        int operations = 200;
        /** Keys per batch group: batches only join keys of one group; a group of 1 means no batches. */
        int groupSize = 2;
        /** Join batches across random keys instead of groups (makes one large partition). */
        boolean batchesAcrossAllKeys;
        double unknownRate = 0.05;
        double failRate = 0.02;
        int maxLatency = 6;

        Workload clients(int value) {
            clients = value;
            return this;
        }

        Workload keys(int value) {
            keys = value;
            return this;
        }

        Workload operations(int value) {
            operations = value;
            return this;
        }

        Workload groupSize(int value) {
            groupSize = value;
            return this;
        }

        Workload batchesAcrossAllKeys() {
            batchesAcrossAllKeys = true;
            return this;
        }

        Workload unknownRate(double value) {
            unknownRate = value;
            return this;
        }

        Workload maxLatency(int value) {
            maxLatency = value;
            return this;
        }
    }

    /** What happens to an invoked operation. */
    private enum Fate {
        OK,
        FAIL,
        UNKNOWN_APPLIED,
        UNKNOWN_APPLIED_LATE,
        UNKNOWN_NEVER_APPLIED
    }

    private static final class Pending {
        final int index;
        final Operation operation;
        final Fate fate;
        final long applyAt;
        final long completeAt;
        boolean applied;
        Outcome result;

        Pending(int index, Operation operation, Fate fate, long applyAt, long completeAt) {
            this.index = index;
            this.operation = operation;
            this.fate = fate;
            this.applyAt = applyAt;
            this.completeAt = completeAt;
        }
    }

    private final Workload workload;
    private final Random random;
    private final Map<String, String> store = new HashMap<>();
    private final Script script = new Script();
    private int valueCounter;

    private RegisterSimulation(Workload workload, long seed) {
        this.workload = workload;
        this.random = new Random(seed);
    }

    static Script generate(Workload workload, long seed) {
        return new RegisterSimulation(workload, seed).run();
    }

    private Script run() {
        final Pending[] inFlight = new Pending[workload.clients];
        final List<Pending> late = new ArrayList<>();
        int invoked = 0;
        long now = 0;
        while (invoked < workload.operations || anyInFlight(inFlight)) {
            now++;
            final List<Pending> due = new ArrayList<>();
            for (final Pending pending : inFlight) {
                if (null != pending && !pending.applied && pending.applyAt <= now) {
                    due.add(pending);
                }
            }
            for (final Pending pending : late) {
                if (!pending.applied && pending.applyAt <= now) {
                    due.add(pending);
                }
            }
            Collections.shuffle(due, random);
            for (final Pending pending : due) {
                pending.applied = true;
                final boolean takesEffect = Fate.OK == pending.fate || Fate.UNKNOWN_APPLIED == pending.fate
                    || Fate.UNKNOWN_APPLIED_LATE == pending.fate;
                pending.result = takesEffect ? apply(pending.operation) : null;
            }
            late.removeIf(pending -> pending.applied);
            for (int client = 0; client < inFlight.length; client++) {
                final Pending pending = inFlight[client];
                if (null != pending && pending.completeAt <= now && (pending.applied
                    || Fate.UNKNOWN_APPLIED_LATE == pending.fate)) {
                    script.complete(pending.index, outcomeOf(pending), now);
                    if (Fate.UNKNOWN_APPLIED_LATE == pending.fate && !pending.applied) {
                        late.add(pending);
                    }
                    inFlight[client] = null;
                }
            }
            for (int client = 0; client < inFlight.length; client++) {
                if (null == inFlight[client] && invoked < workload.operations && random.nextInt(3) > 0) {
                    final Operation operation = nextOperation(client);
                    final Fate fate = nextFate();
                    final long applyAt = now + 1 + random.nextInt(workload.maxLatency);
                    final long completeAt = applyAt + random.nextInt(workload.maxLatency);
                    final long lateApply = Fate.UNKNOWN_APPLIED_LATE == fate
                        ? completeAt + 1 + random.nextInt(20 * workload.maxLatency) : applyAt;
                    inFlight[client] = new Pending(script.invoke(client, operation, now), operation, fate, lateApply,
                        completeAt);
                    invoked++;
                }
            }
        }
        return script;
    }

    private static boolean anyInFlight(Pending[] inFlight) {
        for (final Pending pending : inFlight) {
            if (null != pending) {
                return true;
            }
        }
        return false;
    }

    private Outcome outcomeOf(Pending pending) {
        switch (pending.fate) {
            case OK:
                return pending.result;
            case FAIL:
                return Outcome.fail();
            default:
                return Outcome.unknown();
        }
    }

    private Fate nextFate() {
        final double roll = random.nextDouble();
        if (roll < workload.failRate) {
            return Fate.FAIL;
        }
        if (roll < workload.failRate + workload.unknownRate) {
            final int which = random.nextInt(3);
            return 0 == which ? Fate.UNKNOWN_APPLIED : 1 == which ? Fate.UNKNOWN_APPLIED_LATE
                : Fate.UNKNOWN_NEVER_APPLIED;
        }
        return Fate.OK;
    }

    private Operation nextOperation(int client) {
        final String key = randomKey();
        final int roll = random.nextInt(100);
        if (roll < 45) {
            return Operation.get(key);
        }
        if (roll < 70) {
            return Operation.put(key, freshValue(client));
        }
        if (roll < 75) {
            return Operation.del(key);
        }
        if (roll < 90 || workload.groupSize < 2) {
            final String current = store.get(key);
            final String expected = random.nextInt(3) > 0 ? current : "stale-" + random.nextInt(3);
            return Operation.cas(key, expected, random.nextInt(10) == 0 ? null : freshValue(client));
        }
        final List<Operation> writes = new ArrayList<>();
        final int size = 2 + random.nextInt(Math.max(1, Math.min(3, workload.groupSize) - 1));
        final int group = Integer.parseInt(key.substring(1)) / workload.groupSize;
        for (int i = 0; i < size; i++) {
            final String batchKey = workload.batchesAcrossAllKeys ? randomKey()
                : "k" + Math.min(workload.keys - 1, group * workload.groupSize + random.nextInt(workload.groupSize));
            writes.add(random.nextInt(5) == 0 ? Operation.del(batchKey) : Operation.put(batchKey, freshValue(client)));
        }
        return Operation.batch(writes);
    }

    private String randomKey() {
        return "k" + random.nextInt(workload.keys);
    }

    private String freshValue(int client) {
        return "c" + client + "-" + valueCounter++;
    }

    private Outcome apply(Operation operation) {
        switch (operation.kind()) {
            case GET:
                return Outcome.ok(store.get(operation.key()));
            case PUT:
                store.put(operation.key(), operation.value());
                return Outcome.ok();
            case DEL:
                store.remove(operation.key());
                return Outcome.ok();
            case CAS:
                final boolean matches = Objects.equals(store.get(operation.key()), operation.expected());
                if (matches) {
                    write(operation.key(), operation.value());
                }
                return Outcome.ok(matches);
            default:
                for (final Operation write : operation.writes()) {
                    write(write.key(), write.value());
                }
                return Outcome.ok();
        }
    }

    private void write(String key, String value) {
        if (null == value) {
            store.remove(key);
        } else {
            store.put(key, value);
        }
    }
}
