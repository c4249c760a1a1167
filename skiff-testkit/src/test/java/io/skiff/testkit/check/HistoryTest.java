package io.skiff.testkit.check;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HistoryTest {
    private final History history = new History();

    @Test
    void callsAreNumberedInInvocationOrderAndKeepWhatWasRecorded() {
        final long first = history.invoke(3, Operation.put("k", "v"), 100);
        final long second = history.invoke(4, Operation.get("k"), 110);
        history.complete(second, Outcome.ok("v"), 150);

        final List<Call> calls = history.calls();

        assertThat(first).isZero();
        assertThat(second).isEqualTo(1);
        assertThat(calls.get(0).isComplete()).isFalse();
        assertThat(calls.get(0).outcome().status()).isEqualTo(Outcome.Status.UNKNOWN);
        assertThat(calls.get(0).completeNs()).isEqualTo(Long.MAX_VALUE);
        assertThat(calls.get(1).clientId()).isEqualTo(4);
        assertThat(calls.get(1).invokeNs()).isEqualTo(110);
        assertThat(calls.get(1).completeNs()).isEqualTo(150);
        assertThat(calls.get(1).outcome().value()).isEqualTo("v");
        assertThat(calls.get(1)).hasToString("#1 client 4 get(k) [110..150] ok v");
        assertThat(calls.get(0)).hasToString("#0 client 3 put(k, v) [100..] never completed");
    }

    @Test
    void snapshotIsNotChangedByLaterRecording() {
        final long id = history.invoke(1, Operation.del("k"), 0);
        final List<Call> before = history.calls();

        history.complete(id, Outcome.ok(), 5);
        history.invoke(1, Operation.get("k"), 6);

        assertThat(before).hasSize(1);
        assertThat(before.get(0).isComplete()).isFalse();
        assertThat(history.size()).isEqualTo(2);
    }

    @Test
    void completingTwiceIsRejected() {
        final long id = history.invoke(1, Operation.put("k", "v"), 0);
        history.complete(id, Outcome.ok(), 10);

        assertThatThrownBy(() -> history.complete(id, Outcome.unknown(), 20))
            .isInstanceOf(IllegalStateException.class).hasMessageContaining("already complete");
    }

    @Test
    void completionBeforeInvocationIsRejected() {
        final long id = history.invoke(1, Operation.put("k", "v"), 100);

        assertThatThrownBy(() -> history.complete(id, Outcome.ok(), 99))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("completion time 99 of call #0 is before its invocation time 100");
    }

    @Test
    void unknownCallIdIsRejected() {
        assertThatThrownBy(() -> history.complete(0, Outcome.ok(), 0))
            .isInstanceOf(IllegalArgumentException.class).hasMessage("expected a call id in [0, 0), actual 0");
    }

    @Test
    void okOutcomeMustFitTheOperation() {
        final long get = history.invoke(1, Operation.get("k"), 0);
        final long cas = history.invoke(1, Operation.cas("k", null, "v"), 0);
        final long put = history.invoke(1, Operation.put("k", "v"), 0);

        assertThatThrownBy(() -> history.complete(get, Outcome.ok(), 1))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("expected an ok outcome of get(k) to be Outcome.ok(value), actual ok");
        assertThatThrownBy(() -> history.complete(cas, Outcome.ok("v"), 1))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Outcome.ok(applied)");
        assertThatThrownBy(() -> history.complete(put, Outcome.ok(true), 1))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Outcome.ok()");
        history.complete(get, Outcome.fail(), 1);
        history.complete(cas, Outcome.unknown(), 1);
        history.complete(put, Outcome.ok(), 1);
        assertThat(history.calls()).allMatch(Call::isComplete);
    }

    @Test
    void operationsRejectWhatTheModelCannotExpress() {
        assertThatThrownBy(() -> Operation.put("k", null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Operation.get(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(Operation::batch).isInstanceOf(IllegalArgumentException.class)
            .hasMessage("a batch needs at least one put or del, got none");
        assertThatThrownBy(() -> Operation.batch(Operation.get("k")))
            .isInstanceOf(IllegalArgumentException.class).hasMessage("a batch holds puts and dels only, got get(k)");
        assertThat(Operation.batch(Operation.put("a", "1"), Operation.del("b")))
            .hasToString("batch[put(a, 1), del(b)]");
        assertThat(Operation.cas("k", null, "v")).hasToString("cas(k, null -> v)");
    }

    @Test
    void recordingFromManyThreadsKeepsEveryCall() throws Exception {
        final int threads = 8;
        final int callsPerThread = 5_000;
        final ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            final List<Future<List<Long>>> ids = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                final int client = t;
                ids.add(pool.submit(() -> {
                    final List<Long> mine = new ArrayList<>();
                    for (int i = 0; i < callsPerThread; i++) {
                        final long id = history.invoke(client, Operation.put("k" + client, client + "-" + i),
                            System.nanoTime());
                        history.complete(id, Outcome.ok(), System.nanoTime());
                        mine.add(id);
                    }
                    return mine;
                }));
            }
            final Set<Long> all = new HashSet<>();
            for (final Future<List<Long>> future : ids) {
                all.addAll(future.get(1, TimeUnit.MINUTES));
            }
            assertThat(all).hasSize(threads * callsPerThread);
            assertThat(history.calls()).hasSize(threads * callsPerThread).allMatch(Call::isComplete);
            assertThat(LinearizabilityChecker.check(history).isLinearizable()).isTrue();
        } finally {
            pool.shutdownNow();
        }
    }
}
