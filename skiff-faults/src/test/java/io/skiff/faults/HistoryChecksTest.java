package io.skiff.faults;

import io.skiff.testkit.check.History;
import io.skiff.testkit.check.Operation;
import io.skiff.testkit.check.Outcome;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The checks a run applies to its history besides linearizability, on hand-made histories. */
class HistoryChecksTest {
    private final History history = new History();

    @Test
    void aFinalValueOlderThanTheLastAcknowledgedWriteIsALostWrite() {
        record(Operation.put("k0", "a"), Outcome.ok(), 0, 10);
        record(Operation.put("k0", "b"), Outcome.ok(), 20, 30);

        assertThat(HistoryChecks.lostWrites(history.calls(), Map.of("k0", "a")))
            .singleElement().asString().contains("key k0 ends as a").contains("expected one of [b]");
        assertThat(HistoryChecks.lostWrites(history.calls(), Map.of("k0", "b"))).isEmpty();
    }

    @Test
    void aWriteThatMayFollowTheLastAcknowledgedOneMayBeFinal() {
        record(Operation.put("k0", "a"), Outcome.ok(), 0, 10);
        record(Operation.put("k0", "b"), Outcome.ok(), 20, 30);
        record(Operation.put("k0", "overlapping"), Outcome.ok(), 25, 40);
        record(Operation.put("k0", "timed-out"), Outcome.unknown(), 5, 6);
        record(Operation.batch(Operation.put("k1", "x"), Operation.del("k0")), Outcome.unknown(), 50, 60);
        record(Operation.put("k0", "refused"), Outcome.fail(), 70, 80);

        assertThat(HistoryChecks.lostWrites(history.calls(), Map.of("k0", "overlapping"))).isEmpty();
        final Map<String, String> deletedByTheBatch = new HashMap<>();
        deletedByTheBatch.put("k0", null);
        assertThat(HistoryChecks.lostWrites(history.calls(), deletedByTheBatch)).isEmpty();
        assertThat(HistoryChecks.lostWrites(history.calls(), Map.of("k0", "timed-out"))).hasSize(1);
        assertThat(HistoryChecks.lostWrites(history.calls(), Map.of("k0", "refused"))).hasSize(1);
    }

    @Test
    void theLongestStallIsTheLongestGapBetweenSuccessesIncludingTheEdges() {
        record(Operation.get("k0"), Outcome.ok((String)null), 0, 100);
        record(Operation.put("k0", "a"), Outcome.unknown(), 100, 900);
        record(Operation.put("k0", "b"), Outcome.ok(), 200, 700);
        record(Operation.get("k0"), Outcome.fail(), 710, 720);

        assertThat(HistoryChecks.longestStall(history.calls(), 0, 1000))
            .isEqualTo(new HistoryChecks.Stall(600, 100));
        assertThat(HistoryChecks.longestStall(history.calls(), 0, 2000))
            .isEqualTo(new HistoryChecks.Stall(1300, 700));
    }

    @Test
    void recoveryIsMeasuredToTheFirstWriteInvokedAfterTheFaultAndAcknowledged() {
        record(Operation.put("k0", "before"), Outcome.ok(), 0, 500);
        record(Operation.get("k0"), Outcome.ok("before"), 110, 150);
        record(Operation.put("k0", "lost-leader"), Outcome.unknown(), 120, 400);
        record(Operation.put("k0", "after"), Outcome.ok(), 410, 480);

        assertThat(HistoryChecks.firstWriteAfter(history.calls(), 100)).isEqualTo(380);
        assertThat(HistoryChecks.firstWriteAfter(history.calls(), 450)).isEqualTo(-1);
    }

    private void record(Operation operation, Outcome outcome, long invokeNs, long completeNs) {
        history.complete(history.invoke(0, operation, invokeNs), outcome, completeNs);
    }
}
