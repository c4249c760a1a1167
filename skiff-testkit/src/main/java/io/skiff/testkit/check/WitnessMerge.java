package io.skiff.testkit.check;

import org.agrona.collections.Int2IntHashMap;
import org.agrona.collections.IntArrayList;

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
 * of the others, or the reduction dropped it there as invisible). Its write then goes after everything else of
 * the keys it is missing from, which is valid for those keys since nothing reads it there.
 *
 * <p>A cycle proves nothing: other per-key orders might merge. The caller then searches the partition as a
 * whole.
 */
final class WitnessMerge {
    private WitnessMerge() {
    }

    /**
     * @param ops    the partition's operations as recorded (real-time ranks not reduced).
     * @param orders a linearization per key, of operations carrying the ids of {@code ops}.
     * @return whether the orders merge into one linearization of the partition.
     */
    static boolean merges(List<KvOp> ops, Map<Integer, List<KvOp>> orders) {
        final int n = ops.size();
        final Int2IntHashMap localOf = new Int2IntHashMap(-1);
        for (int i = 0; i < n; i++) {
            localOf.put(ops.get(i).id, i);
        }
        final boolean[] included = new boolean[n];
        final IntArrayList edges = new IntArrayList();
        for (final List<KvOp> order : orders.values()) {
            int before = -1;
            for (final KvOp op : order) {
                final int local = localOf.get(op.id);
                included[local] = true;
                if (before >= 0) {
                    edge(edges, before, local);
                }
                before = local;
            }
        }
        for (final Map.Entry<Integer, List<KvOp>> keyOrder : orders.entrySet()) {
            final List<KvOp> order = keyOrder.getValue();
            if (order.isEmpty()) {
                continue;
            }
            final boolean[] inOrder = new boolean[n];
            for (final KvOp op : order) {
                inOrder[localOf.get(op.id)] = true;
            }
            final int last = localOf.get(order.get(order.size() - 1).id);
            for (int i = 0; i < n; i++) {
                final KvOp op = ops.get(i);
                if (included[i] && !inOrder[i] && touches(op, keyOrder.getKey())) {
                    edge(edges, last, i);
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
        return acyclic(n + eventCount, edges, included);
    }

    private static boolean touches(KvOp op, int key) {
        for (final int k : op.keys) {
            if (k == key) {
                return true;
            }
        }
        return false;
    }

    private static void edge(IntArrayList edges, int from, int to) {
        edges.addInt(from);
        edges.addInt(to);
    }

    /** Kahn's algorithm over the included operations and every event node. */
    private static boolean acyclic(int nodes, IntArrayList edges, boolean[] included) {
        final int[] outDegree = new int[nodes + 1];
        final int[] inDegree = new int[nodes];
        for (int i = 0; i < edges.size(); i += 2) {
            outDegree[edges.getInt(i) + 1]++;
            inDegree[edges.getInt(i + 1)]++;
        }
        for (int i = 0; i < nodes; i++) {
            outDegree[i + 1] += outDegree[i];
        }
        final int[] targets = new int[edges.size() / 2];
        final int[] fill = Arrays.copyOf(outDegree, nodes);
        for (int i = 0; i < edges.size(); i += 2) {
            targets[fill[edges.getInt(i)]++] = edges.getInt(i + 1);
        }
        final int[] ready = new int[nodes];
        int readyCount = 0;
        int expected = 0;
        for (int node = 0; node < nodes; node++) {
            final boolean present = node >= included.length || included[node];
            expected += present ? 1 : 0;
            if (present && 0 == inDegree[node]) {
                ready[readyCount++] = node;
            }
        }
        int visited = 0;
        while (visited < readyCount) {
            final int node = ready[visited++];
            for (int i = outDegree[node]; i < outDegree[node + 1]; i++) {
                if (0 == --inDegree[targets[i]]) {
                    ready[readyCount++] = targets[i];
                }
            }
        }
        return visited == expected;
    }
}
