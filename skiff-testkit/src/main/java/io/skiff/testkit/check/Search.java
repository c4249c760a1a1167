package io.skiff.testkit.check;

import org.agrona.collections.Int2IntHashMap;
import org.agrona.collections.IntArrayList;
import org.agrona.collections.Long2ObjectHashMap;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Wing–Gong search with Lowe's memoization, over the operations of one partition (or one key's projection).
 *
 * <p>Calls and returns of the operations that must take effect sit in one doubly linked list in real-time order.
 * A node of the search is the set of operations already placed in the linearization plus the model state. Its
 * candidates are the unplaced operations invoked before the first unplaced return: placing an operation means
 * its result fits the state ({@link KvModel}); when no candidate fits, the search backtracks. The search
 * succeeds once every operation with a return is placed. Candidates are tried in call order, or in the order of a
 * guide (a merged order of per-key linearizations) when one is given; the order changes speed, never the verdict.
 *
 * <p>Three refinements:
 * <ul>
 *   <li><b>Memoization</b> (Lowe): a node already explored is not explored again. Nodes are keyed by the placed
 *       set and the state, both hashed incrementally; the set is stored as its highest operation (in call order)
 *       plus the few unplaced operations below it, so the cache grows with the concurrency, not with the square
 *       of the history.</li>
 *   <li><b>Unknown writes</b> have no return and never need placing. They are tried only when no operation with
 *       a return fits, and a node is skipped when a node with the same placed set and state but a subset of the
 *       unknown writes was seen: it can do everything this one can. Unknown writes with the same effect (after
 *       {@link HistoryReduction} renamed unread values, many are) are interchangeable once invoked, so only the
 *       earliest invoked one not yet placed is tried. An unknown write is followed only by an operation that
 *       observes a key it wrote (not one that overwrites them all): in any valid order it can move later until it
 *       is, or be dropped. A node reached that way is also skipped when the same node was seen without that
 *       restriction.</li>
 *   <li><b>Partial-order reduction</b> for partitions of several keys: only candidates connected by shared keys
 *       to the operation whose return comes first are tried (right after an unknown write, the rule above applies
 *       instead). Any valid order can be rearranged to start with one of them, because the others invoke before
 *       that return, return after it, and touch other keys, so they can move behind it.</li>
 * </ul>
 */
final class Search {
    /** How a search ended. */
    enum Status {
        LINEARIZABLE,
        VIOLATION,
        OUT_OF_BUDGET,
        /** Reached the number of placed operations it was asked to stop at, see {@link #stuckPoint()}. */
        STOPPED
    }

    /** Memory one search may fill with cached nodes, whatever the state limit; see {@link #bytesPerState}. */
    static final long MEMORY_BUDGET_BYTES = 256L << 20;
    private static final int[] NONE = new int[0];
    private static final int CHECK_CLOCK_EVERY = 0xFF;

    private final int[] partitionKeys;
    private final KvOp[] definite;
    private final KvOp[] unknown;
    private final int[][] definiteKeys;
    private final int[][] unknownKeys;
    private final int[] multiKeyUnknown;
    /** Unknown writes with the same effect share a class; members are in call order. */
    private final int[] effectClass;
    private final int[][] classMembers;
    /** Members placed per class: always the first ones, since only the first unplaced member is tried. */
    private final int[] placedInClass;
    private final boolean reduceOrder;
    /** Order in which candidates are tried, by operation; {@code null}: call order. */
    private final int[] priority;
    private final long maxStates;
    private final long deadlineNs;
    private final int stopAtCount;

    /** The event list: call of definite op i is event 2i, its return 2i + 1; the head sentinel is last. */
    private final int[] next;
    private final int[] prev;
    private final int head;
    private final long[] placedTerm;

    private final long[] placed;
    private int count;
    /** The first unplaced operation in call order. */
    private int prefix;
    /** The last placed operation in call order, -1 if none. */
    private int highest = -1;
    private long placedHash;
    private ValueVector state;
    private int[] applied = NONE;
    /** Keys of the unknown write placed last, whose effect the next operation must observe; null otherwise. */
    private int[] pendingEffect;
    private final boolean[] isApplied;
    private Frame top;

    private final Long2ObjectHashMap<CacheEntry> cache = new Long2ObjectHashMap<>();
    private long statesExplored;
    private int deepest;

    private final int[] keyMark;
    private int epoch;
    private final IntArrayList linkers = new IntArrayList();

    /**
     * @param ops           the operations to search, all touching only {@code partitionKeys}.
     * @param partitionKeys the keys (interned ids), sorted.
     * @param maxStates     give up after caching this many nodes (or {@link #MEMORY_BUDGET_BYTES} worth of them).
     * @param deadlineNs    give up at this {@link System#nanoTime()}.
     * @param guide         for operation ids, the order in which to try candidates, as found by
     *                      {@link WitnessMerge#guide}; {@code null} to try them in call order.
     * @param stopAtCount   stop the first time this many operations are placed, or -1 to run to the end.
     */
    Search(List<KvOp> ops, int[] partitionKeys, Int2IntHashMap guide, long maxStates, long deadlineNs,
        int stopAtCount) {
        this.partitionKeys = partitionKeys;
        this.maxStates = Math.min(maxStates, MEMORY_BUDGET_BYTES / bytesPerState(partitionKeys.length));
        this.deadlineNs = deadlineNs;
        this.stopAtCount = stopAtCount;
        this.reduceOrder = partitionKeys.length > 1;
        final List<KvOp> mustTakeEffect = new ArrayList<>();
        final List<KvOp> mayTakeEffect = new ArrayList<>();
        for (final KvOp op : ops) {
            (op.mustTakeEffect() ? mustTakeEffect : mayTakeEffect).add(op);
        }
        mustTakeEffect.sort(Comparator.comparingLong(op -> op.callRank));
        mayTakeEffect.sort(Comparator.comparingLong(op -> op.callRank));
        definite = mustTakeEffect.toArray(new KvOp[0]);
        unknown = mayTakeEffect.toArray(new KvOp[0]);
        definiteKeys = localKeys(definite);
        priority = null == guide ? null : new int[definite.length];
        for (int i = 0; null != guide && i < definite.length; i++) {
            final int rank = guide.get(definite[i].id);
            priority[i] = rank >= 0 ? rank : guide.size() + i;
        }
        unknownKeys = localKeys(unknown);
        final IntArrayList multiKey = new IntArrayList();
        for (int i = 0; i < unknown.length; i++) {
            if (unknownKeys[i].length > 1) {
                multiKey.addInt(i);
            }
        }
        multiKeyUnknown = multiKey.toIntArray();
        effectClass = new int[unknown.length];
        final Map<String, IntArrayList> classes = new LinkedHashMap<>();
        for (int i = 0; i < unknown.length; i++) {
            final KvOp op = unknown[i];
            final IntArrayList members = classes.computeIfAbsent(op.kind + "/" + op.casResult + "/"
                + Arrays.toString(op.keys) + "/" + Arrays.toString(op.values), effect -> new IntArrayList());
            members.addInt(i);
        }
        classMembers = new int[classes.size()][];
        int effect = 0;
        for (final IntArrayList members : classes.values()) {
            classMembers[effect] = members.toIntArray();
            for (final int member : classMembers[effect]) {
                effectClass[member] = effect;
            }
            effect++;
        }
        placedInClass = new int[classes.size()];

        final int events = 2 * definite.length;
        head = events;
        next = new int[events + 1];
        prev = new int[events + 1];
        final long[] byRank = new long[events];
        for (int i = 0; i < definite.length; i++) {
            byRank[2 * i] = (definite[i].callRank << 32) | (2 * i);
            byRank[2 * i + 1] = (definite[i].returnRank << 32) | (2 * i + 1);
        }
        Arrays.sort(byRank);
        int last = head;
        for (final long rankAndEvent : byRank) {
            final int event = (int)rankAndEvent;
            next[last] = event;
            prev[event] = last;
            last = event;
        }
        next[last] = head;
        prev[head] = last;

        placedTerm = new long[definite.length];
        for (int i = 0; i < definite.length; i++) {
            placedTerm[i] = Mix.mix(i);
        }
        placed = new long[(definite.length >>> 6) + 1];
        isApplied = new boolean[unknown.length];
        state = ValueVector.absent(partitionKeys.length);
        keyMark = new int[partitionKeys.length];
    }

    /**
     * @return roughly what one cached node costs with this many keys: cache entry, frame, hash slot and holes, and
     *     a state that shares all chunks of its parent but one.
     */
    static long bytesPerState(int keys) {
        return 160 + 4L * Math.min(32, keys) + 8L * ((keys + 31) / 32);
    }

    /** @return how the search ended; after {@link Status#STOPPED}, {@link #stuckPoint()} describes the node. */
    Status run() {
        firstVisit(state, applied, null);
        if (0 == stopAtCount) {
            return Status.STOPPED;
        }
        boolean definitePass = true;
        int tried = -1;
        int unknownCursor = 0;
        long iterations = 0;
        markComponent();
        while (true) {
            if (count == definite.length) {
                return Status.LINEARIZABLE;
            }
            if (statesExplored > maxStates
                || (0 == (++iterations & CHECK_CLOCK_EVERY) && System.nanoTime() - deadlineNs > 0)) {
                return Status.OUT_OF_BUDGET;
            }
            boolean advanced = false;
            if (definitePass) {
                for (int op = nextCandidate(tried); op >= 0; op = nextCandidate(op)) {
                    if (allowed(definite[op], definiteKeys[op]) && tryDefinite(op)) {
                        advanced = true;
                        break;
                    }
                }
                if (!advanced) {
                    definitePass = false;
                    unknownCursor = 0;
                }
            }
            if (!advanced) {
                final long limit = definite[firstReturn() >>> 1].returnRank;
                for (int i = unknownCursor; i < unknown.length && unknown[i].callRank < limit; i++) {
                    if (isFirstUnplacedOfClass(i) && allowed(unknown[i], unknownKeys[i]) && tryUnknown(i)) {
                        advanced = true;
                        break;
                    }
                }
            }
            if (advanced) {
                if (count == stopAtCount) {
                    return Status.STOPPED;
                }
                definitePass = true;
                tried = -1;
                markComponent();
                continue;
            }
            if (null == top) {
                return Status.VIOLATION;
            }
            final Frame undone = top;
            undo();
            if (undone.definite) {
                definitePass = true;
                tried = undone.index;
            } else {
                definitePass = false;
                unknownCursor = undone.index + 1;
            }
            markComponent();
        }
    }

    /**
     * @param tried the candidate tried last at this node, -1 for none yet.
     * @return the candidate to try after it: the next call before the first return, in call order or, with a
     *     guide, in the guide's order; -1 if none is left.
     */
    private int nextCandidate(int tried) {
        if (null == priority) {
            final int event = tried < 0 ? next[head] : next[2 * tried];
            return 0 == (event & 1) ? event >>> 1 : -1;
        }
        int best = -1;
        for (int event = next[head]; 0 == (event & 1); event = next[event]) {
            final int op = event >>> 1;
            if ((tried < 0 || priority[op] > priority[tried]) && (best < 0 || priority[op] < priority[best])) {
                best = op;
            }
        }
        return best;
    }

    /** @return the nodes cached, the measure of work done. */
    long statesExplored() {
        return statesExplored;
    }

    /** @return the most operations with a return that any node placed. */
    int deepest() {
        return deepest;
    }

    /** @return how many operations must take effect. */
    int mustTakeEffect() {
        return definite.length;
    }

    /** @return the operations placed at the current node, in linearization order. */
    List<KvOp> linearization() {
        final List<KvOp> order = new ArrayList<>();
        for (Frame frame = top; null != frame; frame = frame.below) {
            order.add(frame.definite ? definite[frame.index] : unknown[frame.index]);
        }
        Collections.reverse(order);
        return order;
    }

    /** @return the current node, described for an explanation: after {@link Status#STOPPED} at the deepest one. */
    StuckPoint stuckPoint() {
        final int blocking = firstReturn();
        final List<KvOp> candidates = new ArrayList<>();
        for (int event = next[head]; event != blocking; event = next[event]) {
            candidates.add(definite[event >>> 1]);
        }
        final long limit = definite[blocking >>> 1].returnRank;
        for (int i = 0; i < unknown.length && unknown[i].callRank < limit; i++) {
            if (!isApplied[i]) {
                candidates.add(unknown[i]);
            }
        }
        return new StuckPoint(linearization(), definite[blocking >>> 1], candidates, definite.length);
    }

    private boolean tryDefinite(int op) {
        final ValueVector after = KvModel.step(definite[op], definiteKeys[op], state);
        if (null == after) {
            return false;
        }
        place(op);
        if (!firstVisit(after, applied, null)) {
            unplace(op);
            return false;
        }
        top = new Frame(true, op, state, applied, pendingEffect, top);
        state = after;
        pendingEffect = null;
        lift(2 * op);
        deepest = Math.max(deepest, count);
        return true;
    }

    private boolean tryUnknown(int index) {
        final ValueVector after = KvModel.step(unknown[index], unknownKeys[index], state);
        final int[] more = withIndex(applied, index);
        if (!firstVisit(after, more, unknownKeys[index])) {
            return false;
        }
        top = new Frame(false, index, state, applied, pendingEffect, top);
        state = after;
        pendingEffect = unknownKeys[index];
        applied = more;
        isApplied[index] = true;
        placedInClass[effectClass[index]]++;
        return true;
    }

    private boolean isFirstUnplacedOfClass(int index) {
        final int effect = effectClass[index];
        final int[] members = classMembers[effect];
        return placedInClass[effect] < members.length && members[placedInClass[effect]] == index;
    }

    private void undo() {
        final Frame frame = top;
        top = frame.below;
        if (frame.definite) {
            unlift(2 * frame.index);
            unplace(frame.index);
        } else {
            isApplied[frame.index] = false;
            placedInClass[effectClass[frame.index]]--;
        }
        state = frame.stateBefore;
        applied = frame.appliedBefore;
        pendingEffect = frame.pendingBefore;
    }

    /**
     * @return whether an operation may be tried next: right after an unknown write, only if it observes a key the
     *     write wrote (any valid order can move an unknown write later until that is so, or drop it); otherwise,
     *     only if it is in the component of the first return (see the class comment).
     */
    private boolean allowed(KvOp op, int[] keys) {
        if (null == pendingEffect) {
            return inComponent(keys);
        }
        boolean shares = false;
        boolean coversAll = KvOp.WRITE == op.kind;
        for (final int key : pendingEffect) {
            final boolean touched = contains(keys, key);
            shares |= touched;
            coversAll &= touched;
        }
        return shares && !coversAll;
    }

    private static boolean contains(int[] keys, int key) {
        for (final int k : keys) {
            if (k == key) {
                return true;
            }
        }
        return false;
    }

    /**
     * Caches the node made of the current placed set, {@code nodeState} and {@code nodeApplied}, unless a node with
     * the same placed set and state and a subset of those unknown writes is cached already.
     *
     * @return whether the node is new and must be explored.
     */
    private boolean firstVisit(ValueVector nodeState, int[] nodeApplied, int[] nodeEffect) {
        final long key = placedHash ^ (nodeState.hash() * 0x9E37_79B9_7F4A_7C15L);
        final CacheEntry first = cache.get(key);
        for (CacheEntry entry = first; null != entry; entry = entry.next) {
            if (entry.highest == highest && entry.holes.length == highest + 1 - count
                && entry.state.sameAs(nodeState) && (null == entry.effect || Arrays.equals(entry.effect, nodeEffect))
                && noneHolePlaced(entry.holes) && isSubset(entry.applied, nodeApplied)) {
                return false;
            }
        }
        cache.put(key, new CacheEntry(highest, holes(), nodeState, nodeApplied, nodeEffect, first));
        statesExplored++;
        return true;
    }

    private void place(int op) {
        placed[op >>> 6] |= 1L << op;
        count++;
        placedHash ^= placedTerm[op];
        if (op == prefix) {
            prefix = nextUnplaced(op + 1);
        }
        highest = Math.max(highest, op);
    }

    private void unplace(int op) {
        placed[op >>> 6] &= ~(1L << op);
        count--;
        placedHash ^= placedTerm[op];
        prefix = Math.min(prefix, op);
        if (op == highest) {
            highest = previousPlaced(op - 1);
        }
    }

    private int previousPlaced(int from) {
        if (from < 0) {
            return -1;
        }
        int word = from >>> 6;
        long bits = placed[word] & (-1L >>> (63 - (from & 63)));
        while (0 == bits) {
            if (0 == word) {
                return -1;
            }
            bits = placed[--word];
        }
        return (word << 6) + 63 - Long.numberOfLeadingZeros(bits);
    }

    private int nextUnplaced(int from) {
        int word = from >>> 6;
        long free = ~placed[word] & (-1L << (from & 63));
        while (0 == free) {
            free = ~placed[++word];
        }
        return (word << 6) + Long.numberOfTrailingZeros(free);
    }

    /** @return the unplaced operations below the highest placed one, ascending. */
    private int[] holes() {
        final int size = highest + 1 - count;
        if (0 == size) {
            return NONE;
        }
        final int[] holes = new int[size];
        int word = prefix >>> 6;
        long free = ~placed[word] & (-1L << (prefix & 63));
        for (int i = 0; i < size; i++) {
            while (0 == free) {
                free = ~placed[++word];
            }
            holes[i] = (word << 6) + Long.numberOfTrailingZeros(free);
            free &= free - 1;
        }
        return holes;
    }

    private boolean noneHolePlaced(int[] holes) {
        for (final int op : holes) {
            if (0 != (placed[op >>> 6] & (1L << op))) {
                return false;
            }
        }
        return true;
    }

    /** Removes the call event and the return event of an operation from the list; {@link #unlift} undoes it. */
    private void lift(int callEvent) {
        unlink(callEvent);
        unlink(callEvent + 1);
    }

    private void unlift(int callEvent) {
        relink(callEvent + 1);
        relink(callEvent);
    }

    private void unlink(int event) {
        next[prev[event]] = next[event];
        prev[next[event]] = prev[event];
    }

    private void relink(int event) {
        next[prev[event]] = event;
        prev[next[event]] = event;
    }

    /** @return the first return event in the list; there is one while an operation with a return is unplaced. */
    private int firstReturn() {
        int event = next[head];
        while (0 == (event & 1)) {
            event = next[event];
        }
        return event;
    }

    /**
     * Marks the keys of the operation whose return comes first, and of every candidate connected to it through
     * batches; see the class comment. Single-key candidates cannot connect keys, so only batches are followed.
     */
    private void markComponent() {
        if (!reduceOrder || count == definite.length || null != pendingEffect) {
            return;
        }
        epoch++;
        final int blocking = firstReturn();
        for (final int key : definiteKeys[blocking >>> 1]) {
            keyMark[key] = epoch;
        }
        linkers.clear();
        for (int event = next[head]; event != blocking; event = next[event]) {
            if (definiteKeys[event >>> 1].length > 1) {
                linkers.addInt(event >>> 1);
            }
        }
        final long limit = definite[blocking >>> 1].returnRank;
        for (final int index : multiKeyUnknown) {
            if (unknown[index].callRank > limit) {
                break;
            }
            if (!isApplied[index]) {
                linkers.addInt(~index);
            }
        }
        boolean grew = true;
        while (grew) {
            grew = false;
            for (int i = 0; i < linkers.size(); i++) {
                final int linker = linkers.getInt(i);
                final int[] keys = linker >= 0 ? definiteKeys[linker] : unknownKeys[~linker];
                if (inComponent(keys) && !allMarked(keys)) {
                    for (final int key : keys) {
                        keyMark[key] = epoch;
                    }
                    grew = true;
                }
            }
        }
    }

    private boolean inComponent(int[] keys) {
        if (!reduceOrder) {
            return true;
        }
        for (final int key : keys) {
            if (keyMark[key] == epoch) {
                return true;
            }
        }
        return false;
    }

    private boolean allMarked(int[] keys) {
        for (final int key : keys) {
            if (keyMark[key] != epoch) {
                return false;
            }
        }
        return true;
    }

    private int[][] localKeys(KvOp[] ops) {
        final int[][] local = new int[ops.length][];
        for (int i = 0; i < ops.length; i++) {
            final int[] keys = ops[i].keys;
            local[i] = new int[keys.length];
            for (int k = 0; k < keys.length; k++) {
                local[i][k] = Arrays.binarySearch(partitionKeys, keys[k]);
            }
        }
        return local;
    }

    private static int[] withIndex(int[] sorted, int index) {
        final int[] more = new int[sorted.length + 1];
        int i = 0;
        while (i < sorted.length && sorted[i] < index) {
            more[i] = sorted[i];
            i++;
        }
        more[i] = index;
        System.arraycopy(sorted, i, more, i + 1, sorted.length - i);
        return more;
    }

    private static boolean isSubset(int[] small, int[] large) {
        if (small.length > large.length) {
            return false;
        }
        int j = 0;
        for (final int value : small) {
            while (j < large.length && large[j] < value) {
                j++;
            }
            if (j == large.length || large[j] != value) {
                return false;
            }
            j++;
        }
        return true;
    }

    private static final class Frame {
        final boolean definite;
        final int index;
        final ValueVector stateBefore;
        final int[] appliedBefore;
        final int[] pendingBefore;
        final Frame below;

        Frame(boolean definite, int index, ValueVector stateBefore, int[] appliedBefore, int[] pendingBefore,
            Frame below) {
            this.definite = definite;
            this.index = index;
            this.stateBefore = stateBefore;
            this.appliedBefore = appliedBefore;
            this.pendingBefore = pendingBefore;
            this.below = below;
        }
    }

    private static final class CacheEntry {
        final int highest;
        final int[] holes;
        final ValueVector state;
        final int[] applied;
        final int[] effect;
        final CacheEntry next;

        CacheEntry(int highest, int[] holes, ValueVector state, int[] applied, int[] effect, CacheEntry next) {
            this.highest = highest;
            this.holes = holes;
            this.state = state;
            this.applied = applied;
            this.effect = effect;
            this.next = next;
        }
    }
}
