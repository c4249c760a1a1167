package io.skiff.testkit.check;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Invocations and completions in the order they were recorded, replayable into a {@link History} with some
 * outcomes replaced — how the tests turn a linearizable history into a broken one.
 */
final class Script {
    private static final class Event {
        final int index;
        final int client;
        final Operation operation;
        final Outcome outcome;
        final long timeNs;

        Event(int index, int client, Operation operation, Outcome outcome, long timeNs) {
            this.index = index;
            this.client = client;
            this.operation = operation;
            this.outcome = outcome;
            this.timeNs = timeNs;
        }
    }

    private final List<Event> events = new ArrayList<>();
    private final List<Operation> operations = new ArrayList<>();
    private final List<Outcome> outcomes = new ArrayList<>();
    private final List<long[]> times = new ArrayList<>();

    int invoke(int client, Operation operation, long timeNs) {
        final int index = operations.size();
        operations.add(operation);
        outcomes.add(null);
        times.add(new long[] {timeNs, Long.MAX_VALUE});
        events.add(new Event(index, client, operation, null, timeNs));
        return index;
    }

    void complete(int index, Outcome outcome, long timeNs) {
        outcomes.set(index, outcome);
        times.get(index)[1] = timeNs;
        events.add(new Event(index, -1, null, outcome, timeNs));
    }

    int size() {
        return operations.size();
    }

    Operation operation(int index) {
        return operations.get(index);
    }

    /** @return the outcome, or {@code null} if the operation was never completed. */
    Outcome outcome(int index) {
        return outcomes.get(index);
    }

    long invokeNs(int index) {
        return times.get(index)[0];
    }

    long completeNs(int index) {
        return times.get(index)[1];
    }

    History replay() {
        return replay(index -> null);
    }

    /** @param replace for an operation index, the outcome to record instead, or {@code null} to keep it. */
    History replay(IntFunction<Outcome> replace) {
        final History history = new History();
        final long[] ids = new long[operations.size()];
        for (final Event event : events) {
            if (null == event.outcome) {
                ids[event.index] = history.invoke(event.client, event.operation, event.timeNs);
            } else {
                final Outcome replacement = replace.apply(event.index);
                history.complete(ids[event.index], null == replacement ? event.outcome : replacement, event.timeNs);
            }
        }
        return history;
    }
}
