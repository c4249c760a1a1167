package io.skiff.testkit.check;

import org.agrona.collections.Int2IntHashMap;
import org.agrona.collections.IntArrayList;
import org.agrona.collections.LongHashSet;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Tries to prove a partition of several keys linearizable from one linearization per key, without searching the
 * whole partition.
 *
 * <p>Per key, each found order is a sequence of that key's operations (a batch contributing its write of the
 * key). If some total order of the partition's operations contains every per-key order and respects real time,
 * it is a linearization of the partition: its projection on each key is that key's valid order, and keys do not
 * interact in the model. Such an order exists exactly when the graph made of the per-key orders and the
 * real-time order has no cycle. Real time is encoded in linear size: a chain of call and return events in time
 * order, each operation reached from its call event and leading to its return event.
 *
 * <p>A batch with an unknown outcome may appear in the orders of some of its keys only (the search left it out
 * of the others, or the reduction dropped it there as invisible). Where it is missing, its write goes right
 * before a write of that key (so nothing reads it), the first one invoked after the batch's predecessors in the
 * other orders, or after everything else of that key if there is none; either is valid for that key.
 *
 * <p>A cycle proves nothing: other per-key orders might merge. The caller then searches the partition as a whole,
 * guided by {@link #guide()}: a topological order of the graph in which each cycle was cut at one edge, which
 * agrees with the per-key orders almost everywhere and so leads the search straight through the parts where
 * they do merge.
 */
final class WitnessMerge {
    /** Marks the source of an edge that orders a write nobody reads before its successor in a key's order. */
    private static final int WEAK = 1 << 30;

    private final List<KvOp> ops;
    private final Int2IntHashMap guide = new Int2IntHashMap(-1);
    private boolean cut;

    /**
     * @param ops    the partition's operations as recorded (real-time ranks not reduced).
     * @param orders a linearization per key, of operations carrying the ids of {@code ops}.
     */
    WitnessMerge(List<KvOp> ops, Map<Integer, List<KvOp>> orders) {
        this.ops = ops;
        merge(orders);
    }

    /** @return whether the orders merge into one linearization of the partition. */
    boolean merges() {
        return !cut;
    }

    /** @return rank of each operation id in the merged order (cycles cut); ids never placed are missing. */
    Int2IntHashMap guide() {
        return guide;
    }

    private void merge(Map<Integer, List<KvOp>> orders) {
        final int n = ops.size();
        final Int2IntHashMap localOf = new Int2IntHashMap(-1);
        for (int i = 0; i < n; i++) {
            localOf.put(ops.get(i).id, i);
        }
        final boolean[] included = new boolean[n];
        final IntArrayList edges = new IntArrayList();
        final LongHashSet batchInOrder = new LongHashSet();
        final Int2IntHashMap earliestPoint = new Int2IntHashMap(-1);
        for (final Map.Entry<Integer, List<KvOp>> keyOrder : orders.entrySet()) {
            KvOp previous = null;
            for (final KvOp op : keyOrder.getValue()) {
                final int local = localOf.get(op.id);
                included[local] = true;
                if (ops.get(local).keys.length > 1) {
                    batchInOrder.add(((long)keyOrder.getKey() << 32) | local);
                    final long after = null == previous ? op.callRank : Math.max(op.callRank, previous.callRank);
                    earliestPoint.put(local, (int)Math.max(earliestPoint.get(local), after));
                }
                previous = op;
            }
            dependencies(keyOrder.getValue(), localOf, edges);
        }
        for (int i = 0; i < n; i++) {
            if (!included[i] || ops.get(i).keys.length == 1) {
                continue;
            }
            for (final int key : ops.get(i).keys) {
                final List<KvOp> order = orders.get(key);
                if (null != order && !order.isEmpty() && !batchInOrder.contains(((long)key << 32) | i)) {
                    int next = 0;
                    while (next < order.size()
                        && (KvOp.WRITE != order.get(next).kind || order.get(next).callRank <= earliestPoint.get(i))) {
                        next++;
                    }
                    if (next > 0) {
                        edge(edges, localOf.get(order.get(next - 1).id) | WEAK, i);
                    }
                    if (next < order.size()) {
                        edge(edges, i | WEAK, localOf.get(order.get(next).id));
                    }
                }
            }
        }

        final long[] events = new long[2 * n];
        int eventCount = 0;
        for (int i = 0; i < n; i++) {
            if (included[i]) {
                events[eventCount++] = (ops.get(i).callRank << 32) | (2L * i);
                if (ops.get(i).mustTakeEffect()) {
                    events[eventCount++] = (ops.get(i).returnRank << 32) | (2L * i + 1);
                }
            }
        }
        Arrays.sort(events, 0, eventCount);
        for (int e = 0; e < eventCount; e++) {
            final int node = n + e;
            final int event = (int)events[e];
            if (e + 1 < eventCount) {
                edge(edges, node, node + 1);
            }
            if (0 == (event & 1)) {
                edge(edges, node, event >>> 1);
            } else {
                edge(edges, event >>> 1, node);
            }
        }
        sort(n + eventCount, edges, included);
    }

    /**
     * Adds the edges of one key's order that matter, rather than a chain through all of it: its operations form
     * groups — a run of blind writes of one value with nothing between them, or a single cas, or the reads (gets,
     * refused cases) after a group. Reads come after the writes they saw and before the next group; a group comes
     * after everything before it. Operations within a group commute, so any order that keeps these edges is as
     * valid for the key as the one found, and two keys that ordered, say, two deletes differently do not make a
     * cycle.
     */
    private static void dependencies(List<KvOp> order, Int2IntHashMap localOf, IntArrayList edges) {
        List<KvOp> barrier = new ArrayList<>();
        List<KvOp> writes = new ArrayList<>();
        List<KvOp> reads = new ArrayList<>();
        for (final KvOp op : order) {
            if (KvOp.GET == op.kind || (KvOp.CAS == op.kind && KvOp.CAS_REFUSED == op.casResult)) {
                dependOn(writes, op, localOf, edges);
                reads.add(op);
                continue;
            }
            final KvOp last = writes.isEmpty() ? null : writes.get(writes.size() - 1);
            final boolean joins = KvOp.WRITE == op.kind && null != last && KvOp.WRITE == last.kind
                && reads.isEmpty() && last.values[0] == op.values[0];
            if (!joins) {
                barrier = reads.isEmpty() ? writes : reads;
                writes = new ArrayList<>();
                reads = new ArrayList<>();
            }
            dependOn(barrier, op, localOf, edges);
            writes.add(op);
        }
    }

    private static void dependOn(List<KvOp> before, KvOp op, Int2IntHashMap localOf, IntArrayList edges) {
        final int local = localOf.get(op.id);
        for (final KvOp earlier : before) {
            final boolean weak = isUnreadWrite(earlier) || isUnreadWrite(op);
            edge(edges, localOf.get(earlier.id) | (weak ? WEAK : 0), local);
        }
    }

    /** @return whether the operation writes a value nobody reads, so its place in the key's order is nearly free. */
    private static boolean isUnreadWrite(KvOp projected) {
        return KvOp.WRITE == projected.kind && KvOp.UNREAD == projected.values[0];
    }

    private static void edge(IntArrayList edges, int from, int to) {
        edges.addInt(from);
        edges.addInt(to);
    }

    /**
     * Kahn's algorithm over the included operations and every event node. When every remaining node waits on
     * another, the graph has a cycle. It is cut by releasing an invoked operation (its call event is done, so real
     * time is kept), preferring one that waits only on weak edges — edges next to a write nobody reads, whose place
     * in its key's order is nearly free — and then the latest call: per-key searches place operations as early as
     * they can, so an operation placed too early is the usual cause, and releasing the later one delays it.
     */
    private void sort(int nodes, IntArrayList edges, boolean[] included) {
        final int n = included.length;
        final int[] outDegree = new int[nodes + 1];
        final int[] inDegree = new int[nodes];
        final int[] strongIn = new int[nodes];
        for (int i = 0; i < edges.size(); i += 2) {
            outDegree[(edges.getInt(i) & ~WEAK) + 1]++;
            inDegree[edges.getInt(i + 1)]++;
            strongIn[edges.getInt(i + 1)] += 0 == (edges.getInt(i) & WEAK) ? 1 : 0;
        }
        for (int i = 0; i < nodes; i++) {
            outDegree[i + 1] += outDegree[i];
        }
        final int[] targets = new int[edges.size() / 2];
        final boolean[] weak = new boolean[edges.size() / 2];
        final int[] fill = Arrays.copyOf(outDegree, nodes);
        for (int i = 0; i < edges.size(); i += 2) {
            final int from = edges.getInt(i) & ~WEAK;
            weak[fill[from]] = 0 != (edges.getInt(i) & WEAK);
            targets[fill[from]++] = edges.getInt(i + 1);
        }
        final boolean[] done = new boolean[nodes];
        final boolean[] invoked = new boolean[n];
        final int[] ready = new int[nodes];
        int readyCount = 0;
        int remaining = 0;
        for (int node = 0; node < nodes; node++) {
            final boolean present = node >= n || included[node];
            remaining += present ? 1 : 0;
            if (present && 0 == inDegree[node]) {
                ready[readyCount++] = node;
            }
        }
        int visited = 0;
        int rank = 0;
        int nextEvent = n;
        while (remaining > 0) {
            if (visited == readyCount) {
                cut = true;
                ready[readyCount++] = release(invoked, strongIn, done, nextEvent);
            }
            final int node = ready[visited++];
            if (done[node]) {
                continue;
            }
            done[node] = true;
            remaining--;
            if (node < n) {
                guide.put(ops.get(node).id, rank++);
            } else {
                while (nextEvent < nodes && done[nextEvent]) {
                    nextEvent++;
                }
            }
            for (int i = outDegree[node]; i < outDegree[node + 1]; i++) {
                final int target = targets[i];
                if (target < n && node >= n) {
                    invoked[target] = true;
                }
                strongIn[target] -= weak[i] ? 0 : 1;
                if (0 == --inDegree[target] && !done[target]) {
                    ready[readyCount++] = target;
                }
            }
        }
    }

    private int release(boolean[] invoked, int[] strongIn, boolean[] done, int nextEvent) {
        int best = -1;
        boolean bestWeakOnly = false;
        for (int i = 0; i < invoked.length; i++) {
            if (!invoked[i] || done[i]) {
                continue;
            }
            final boolean weakOnly = 0 == strongIn[i];
            if (best < 0 || (weakOnly && !bestWeakOnly)
                || (weakOnly == bestWeakOnly && ops.get(i).callRank > ops.get(best).callRank)) {
                best = i;
                bestWeakOnly = weakOnly;
            }
        }
        return best >= 0 ? best : nextEvent;
    }

}
