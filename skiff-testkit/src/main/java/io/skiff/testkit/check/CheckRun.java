package io.skiff.testkit.check;

import org.agrona.collections.Int2IntHashMap;
import org.agrona.collections.IntHashSet;
import org.agrona.collections.LongHashSet;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One run of the checker over a snapshot of a history: prepares the operations, splits them into partitions and
 * decides each one.
 *
 * <p>Partitions: the key-value model is a product of one register per key, and linearizability is local
 * (Herlihy and Wing), so single-key operations are checked per key. A batch writes several keys at one instant,
 * which breaks locality; keys joined by batches (union-find) form one partition, decided in steps:
 * <ol>
 *   <li>the partition is reduced as a whole ({@link HistoryReduction}), so that a batch pinned by a read of one
 *       key must take effect on all of its keys;</li>
 *   <li>each key's projection (batches reduced to their write of that key) is searched alone; a violation there
 *       is a violation of the whole, since a linearization of the whole projects onto one of each key;</li>
 *   <li>the per-key orders are merged ({@link WitnessMerge}); if they merge, that proves the whole. If not, the
 *       keys are searched again for a few rounds, trying candidates in the merged order first, so that keys free
 *       to agree do;</li>
 *   <li>otherwise the partition is searched as a whole, guided by the last merged order: exact, but it can cost
 *       much more.</li>
 * </ol>
 */
final class CheckRun {
    private static final long UNBOUNDED_NS = 1L << 62;
    private static final int MAX_ALIGNMENT_ROUNDS = 8;

    private final List<Call> calls;
    private final long deadlineNs;
    private final long maxStates;
    private final long startNs;

    private final Map<String, Integer> keyIds = new HashMap<>();
    private final List<String> keyNames = new ArrayList<>();
    private final Map<String, Integer> valueIds = new HashMap<>();

    private final List<Violation> violations = new ArrayList<>();
    private final List<String> undecided = new ArrayList<>();
    private long statesExplored;

    CheckRun(List<Call> calls, long timeoutNs, long maxStates) {
        this.calls = calls;
        this.maxStates = maxStates;
        this.startNs = System.nanoTime();
        this.deadlineNs = startNs + Math.min(timeoutNs, UNBOUNDED_NS);
    }

    Result run() {
        final List<KvOp> ops = prepare();
        final List<List<KvOp>> partitions = partition(ops);
        int largest = 0;
        for (final List<KvOp> partition : partitions) {
            largest = Math.max(largest, partition.size());
            final int[] keys = keysOf(partition);
            if (System.nanoTime() - deadlineNs > 0) {
                undecided.add("time ran out before " + describe(keys) + " could be checked");
            } else if (1 == keys.length) {
                decide(partition, keys, names(keys), null);
            } else {
                decideJoined(partition, keys);
            }
        }
        final Stats stats = new Stats(calls.size(), ops.size(), partitions.size(), largest, statesExplored,
            System.nanoTime() - startNs);
        return new Result(violations, undecided, stats);
    }

    /** Ranks events in real-time order, interns keys and values, and turns calls into {@link KvOp}s. */
    private List<KvOp> prepare() {
        final int n = calls.size();
        final Call[] byEvent = new Call[2 * n];
        final boolean[] isReturn = new boolean[2 * n];
        int events = 0;
        for (final Call call : calls) {
            byEvent[events++] = call;
            if (call.isComplete()) {
                isReturn[events] = true;
                byEvent[events++] = call;
            }
        }
        final int[] order = new int[events];
        sortByTimeThenSeq(order, byEvent, isReturn);
        final long[] callRank = new long[n];
        final long[] returnRank = new long[n];
        for (int position = 0; position < events; position++) {
            final int event = order[position];
            final int call = (int)byEvent[event].id();
            (isReturn[event] ? returnRank : callRank)[call] = 2L * position + 1;
        }
        final List<KvOp> ops = new ArrayList<>(n);
        for (final Call call : calls) {
            final Outcome outcome = call.outcome();
            final boolean ok = Outcome.Status.OK == outcome.status();
            if (Outcome.Status.FAIL == outcome.status() || (!ok && Operation.Kind.GET == call.operation().kind())) {
                continue;
            }
            final long returns = ok ? returnRank[(int)call.id()] : KvOp.NO_RETURN;
            ops.add(toKvOp(ops.size(), call, callRank[(int)call.id()], returns));
        }
        return ops;
    }

    /**
     * Fills {@code order} with the events sorted by time, then by recording order. Events are usually recorded in
     * time order already (always, in a single-threaded simulation), so the boxing sort runs only when they are not.
     */
    private static void sortByTimeThenSeq(int[] order, Call[] byEvent, boolean[] isReturn) {
        final Comparator<Integer> byTimeThenSeq = (a, b) -> {
            final int byTime = Long.compare(timeOf(byEvent[a], isReturn[a]), timeOf(byEvent[b], isReturn[b]));
            return 0 != byTime ? byTime : Long.compare(seqOf(byEvent[a], isReturn[a]), seqOf(byEvent[b], isReturn[b]));
        };
        final long[] seqs = new long[order.length];
        for (int i = 0; i < order.length; i++) {
            seqs[i] = (seqOf(byEvent[i], isReturn[i]) << 32) | i;
        }
        Arrays.sort(seqs);
        boolean timeOrdered = true;
        for (int i = 0; i < order.length; i++) {
            order[i] = (int)seqs[i];
            timeOrdered &= 0 == i || byTimeThenSeq.compare(order[i - 1], order[i]) < 0;
        }
        if (!timeOrdered) {
            final Integer[] boxed = new Integer[order.length];
            for (int i = 0; i < order.length; i++) {
                boxed[i] = order[i];
            }
            Arrays.sort(boxed, byTimeThenSeq);
            for (int i = 0; i < order.length; i++) {
                order[i] = boxed[i];
            }
        }
    }

    private static long timeOf(Call call, boolean isReturn) {
        return isReturn ? call.completeNs() : call.invokeNs();
    }

    private static long seqOf(Call call, boolean isReturn) {
        return isReturn ? call.completeSeq() : call.invokeSeq();
    }

    private KvOp toKvOp(int id, Call call, long callRank, long returnRank) {
        final Operation operation = call.operation();
        final Outcome outcome = call.outcome();
        final boolean ok = Outcome.Status.OK == outcome.status();
        switch (operation.kind()) {
            case GET:
                return new KvOp(id, call, KvOp.GET, (byte)0, new int[] {key(operation.key())},
                    new int[] {value(outcome.value())}, callRank, returnRank);
            case PUT:
            case DEL:
                return new KvOp(id, call, KvOp.WRITE, (byte)0, new int[] {key(operation.key())},
                    new int[] {value(operation.value())}, callRank, returnRank);
            case CAS:
                final byte result = !ok ? KvOp.CAS_MAYBE : outcome.applied() ? KvOp.CAS_APPLIED : KvOp.CAS_REFUSED;
                return new KvOp(id, call, KvOp.CAS, result, new int[] {key(operation.key())},
                    new int[] {value(operation.expected()), value(operation.value())}, callRank, returnRank);
            default:
                final Map<Integer, Integer> lastWrite = new TreeMap<>();
                for (final Operation write : operation.writes()) {
                    lastWrite.put(key(write.key()), value(write.value()));
                }
                final int[] keys = new int[lastWrite.size()];
                final int[] values = new int[lastWrite.size()];
                int i = 0;
                for (final Map.Entry<Integer, Integer> write : lastWrite.entrySet()) {
                    keys[i] = write.getKey();
                    values[i++] = write.getValue();
                }
                return new KvOp(id, call, KvOp.WRITE, (byte)0, keys, values, callRank, returnRank);
        }
    }

    private int key(String key) {
        return keyIds.computeIfAbsent(key, k -> {
            keyNames.add(k);
            return keyNames.size() - 1;
        });
    }

    private int value(String value) {
        if (null == value) {
            return 0;
        }
        return valueIds.computeIfAbsent(value, v -> valueIds.size() + 1);
    }

    /** Groups operations by the connected components of keys joined by batches, in order of first operation. */
    private List<List<KvOp>> partition(List<KvOp> ops) {
        final int[] parent = new int[keyNames.size()];
        for (int i = 0; i < parent.length; i++) {
            parent[i] = i;
        }
        for (final KvOp op : ops) {
            for (int i = 1; i < op.keys.length; i++) {
                final int a = root(parent, op.keys[0]);
                final int b = root(parent, op.keys[i]);
                parent[Math.max(a, b)] = Math.min(a, b);
            }
        }
        final Map<Integer, List<KvOp>> byRoot = new LinkedHashMap<>();
        for (final KvOp op : ops) {
            byRoot.computeIfAbsent(root(parent, op.keys[0]), r -> new ArrayList<>()).add(op);
        }
        return new ArrayList<>(byRoot.values());
    }

    private static int root(int[] parent, int key) {
        int root = key;
        while (parent[root] != root) {
            root = parent[root];
        }
        int at = key;
        while (parent[at] != root) {
            final int up = parent[at];
            parent[at] = root;
            at = up;
        }
        return root;
    }

    private void decideJoined(List<KvOp> partition, int[] keys) {
        // Reduced as a whole first, so that a batch pinned by a read of one key must take effect on all its keys.
        final List<KvOp> reduced = HistoryReduction.reduce(partition);
        final Map<Integer, List<KvOp>> projections = new TreeMap<>();
        for (final KvOp op : reduced) {
            for (final int key : op.keys) {
                projections.computeIfAbsent(key, k -> new ArrayList<>()).add(op.projectedOn(key));
            }
        }
        final Map<Integer, List<KvOp>> orders = new HashMap<>();
        boolean decided = true;
        for (final Map.Entry<Integer, List<KvOp>> projection : projections.entrySet()) {
            final int[] key = {projection.getKey()};
            final List<KvOp> order = decide(projection.getValue(), key, names(key), null);
            if (null == order) {
                decided = false;
            } else {
                orders.put(projection.getKey(), order);
            }
        }
        if (!decided) {
            return;
        }
        final WitnessMerge merge = align(reduced, projections, orders);
        if (!merge.merges()) {
            decide(reduced, keys, names(keys), merge.guide());
        }
    }

    /**
     * Brings per-key orders to agree before they are merged. Each key's search places a batch where that key alone
     * allows; the orders of two keys may then disagree on it. Each round merges the orders, cutting cycles, and
     * searches every key again trying candidates in the merged order first, so that a key free to follow the
     * other keys does. An unknown batch applied by some keys and left out by others is also made to take effect
     * on all of them (a restriction: a key that then fails keeps its previous order, and nothing is concluded).
     *
     * @return the last merge; {@code orders} is updated.
     */
    private WitnessMerge align(List<KvOp> reduced, Map<Integer, List<KvOp>> projections,
        Map<Integer, List<KvOp>> orders) {
        final IntHashSet required = new IntHashSet();
        WitnessMerge merge = new WitnessMerge(reduced, orders);
        for (int round = 0; round < MAX_ALIGNMENT_ROUNDS && !merge.merges(); round++) {
            requirePartiallyApplied(reduced, orders, required);
            boolean changed = false;
            for (final Map.Entry<Integer, List<KvOp>> projection : projections.entrySet()) {
                final int key = projection.getKey();
                final List<KvOp> ops = new ArrayList<>(projection.getValue().size());
                for (final KvOp op : projection.getValue()) {
                    ops.add(required.contains(op.id) ? op.withReturnRank(KvOp.REQUIRED_RETURN) : op);
                }
                final Search search = search(ops, new int[] {key}, merge.guide());
                final Search.Status status = search.run();
                statesExplored += search.statesExplored();
                if (Search.Status.LINEARIZABLE == status) {
                    final List<KvOp> order = search.linearization();
                    changed |= !sameIds(order, orders.get(key));
                    orders.put(key, order);
                }
            }
            if (!changed) {
                break;
            }
            merge = new WitnessMerge(reduced, orders);
        }
        return merge;
    }

    private static void requirePartiallyApplied(List<KvOp> reduced, Map<Integer, List<KvOp>> orders,
        IntHashSet required) {
        final LongHashSet applied = new LongHashSet();
        for (final Map.Entry<Integer, List<KvOp>> order : orders.entrySet()) {
            for (final KvOp op : order.getValue()) {
                applied.add(((long)order.getKey() << 32) | op.id);
            }
        }
        for (final KvOp op : reduced) {
            if (op.keys.length > 1 && !op.mustTakeEffect()) {
                for (final int key : op.keys) {
                    if (applied.contains(((long)key << 32) | op.id)) {
                        required.add(op.id);
                    }
                }
            }
        }
    }

    private static boolean sameIds(List<KvOp> a, List<KvOp> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i).id != b.get(i).id) {
                return false;
            }
        }
        return true;
    }

    /**
     * Searches one partition or projection and records a violation or an undecided part.
     *
     * @param guide order in which to try candidates, see {@link WitnessMerge#guide()}; {@code null}: call order.
     * @return the linearization found, or {@code null} if there is none or the budget ran out.
     */
    private List<KvOp> decide(List<KvOp> ops, int[] keys, List<String> names, Int2IntHashMap guide) {
        final List<KvOp> reduced = HistoryReduction.reduce(ops);
        final Search search = search(reduced, keys, guide);
        final Search.Status status = search.run();
        statesExplored += search.statesExplored();
        switch (status) {
            case LINEARIZABLE:
                return search.linearization();
            case VIOLATION:
                violations.add(explain(reduced, keys, names, guide, search.deepest()));
                return null;
            default:
                undecided.add(describe(keys) + " (" + ops.size() + " operations): budget exhausted after "
                    + search.statesExplored() + " states");
                return null;
        }
    }

    private Search search(List<KvOp> ops, int[] keys, Int2IntHashMap guide) {
        return new Search(ops, keys, guide, maxStates, deadlineNs, -1);
    }

    /**
     * Replays a failed search, which is deterministic, up to the first node as deep as any it reached; work is
     * bounded by the first run, so the replay needs no budget.
     */
    private Violation explain(List<KvOp> reduced, int[] keys, List<String> names, Int2IntHashMap guide,
        int deepest) {
        final Search replay = new Search(reduced, keys, guide, Long.MAX_VALUE, System.nanoTime() + UNBOUNDED_NS,
            deepest);
        final Search.Status status = replay.run();
        statesExplored += replay.statesExplored();
        if (Search.Status.STOPPED != status) {
            throw new IllegalStateException("expected the replay of a failed search to stop at depth " + deepest
                + ", actual " + status);
        }
        return Explanation.describe(names, replay.stuckPoint());
    }

    private static int[] keysOf(List<KvOp> partition) {
        final TreeSet<Integer> keys = new TreeSet<>();
        for (final KvOp op : partition) {
            for (final int key : op.keys) {
                keys.add(key);
            }
        }
        return keys.stream().mapToInt(Integer::intValue).toArray();
    }

    private List<String> names(int[] keys) {
        final List<String> names = new ArrayList<>(keys.length);
        for (final int key : keys) {
            names.add(keyNames.get(key));
        }
        names.sort(null);
        return names;
    }

    private String describe(int[] keys) {
        final List<String> names = names(keys);
        return "keys " + (names.size() <= 10 ? names.toString() : names.subList(0, 10) + " and "
            + (names.size() - 10) + " more");
    }
}
