package io.skiff.testkit.check;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.skiff.testkit.check.Operation.batch;
import static io.skiff.testkit.check.Operation.cas;
import static io.skiff.testkit.check.Operation.del;
import static io.skiff.testkit.check.Operation.get;
import static io.skiff.testkit.check.Operation.put;
import static io.skiff.testkit.check.Outcome.fail;
import static io.skiff.testkit.check.Outcome.ok;
import static io.skiff.testkit.check.Outcome.unknown;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LinearizabilityCheckerTest {
    private final History history = new History();

    @Test
    void emptyHistoryIsLinearizable() {
        assertLinearizable();
    }

    @Test
    void sequentialHistoryOfEveryKindIsLinearizable() {
        record(1, get("x"), 0, 1, ok((String)null));
        record(1, put("x", "1"), 2, 3, ok());
        record(2, get("x"), 4, 5, ok("1"));
        record(2, cas("x", "1", "2"), 6, 7, ok(true));
        record(1, cas("x", "1", "3"), 8, 9, ok(false));
        record(1, get("x"), 10, 11, ok("2"));
        record(2, del("x"), 12, 13, ok());
        record(2, get("x"), 14, 15, ok((String)null));
        record(1, cas("x", null, "4"), 16, 17, ok(true));
        record(1, batch(put("x", "5"), put("y", "6"), del("x")), 18, 19, ok());
        record(2, get("x"), 20, 21, ok((String)null));
        record(2, get("y"), 22, 23, ok("6"));
        record(1, cas("y", "6", null), 24, 25, ok(true));
        record(1, get("y"), 26, 27, ok((String)null));

        assertLinearizable();
    }

    @Test
    void overlappingWritesMayBeReadInEitherOrder() {
        record(1, put("x", "1"), 0, 100, ok());
        record(2, put("x", "2"), 10, 90, ok());
        record(3, get("x"), 110, 120, ok("1"));
        assertLinearizable();

        final History other = new History();
        record(other, 1, put("x", "1"), 0, 100, ok());
        record(other, 2, put("x", "2"), 10, 90, ok());
        record(other, 3, get("x"), 110, 120, ok("2"));
        assertThat(LinearizabilityChecker.check(other).verdict()).isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void readsDuringAWriteMaySeeTheOldValueThenTheNewOne() {
        record(1, put("x", "1"), 0, 10, ok());
        record(2, put("x", "2"), 20, 100, ok());
        record(3, get("x"), 30, 40, ok("1"));
        record(3, get("x"), 50, 60, ok("2"));
        record(4, get("x"), 55, 70, ok("2"));
        assertLinearizable();
    }

    @Test
    void unknownWriteThatTookEffectIsAccepted() {
        record(1, put("x", "1"), 0, 10, unknown());
        record(2, get("x"), 20, 30, ok("1"));
        assertLinearizable();
    }

    @Test
    void unknownWriteMayTakeEffectLongAfterItsClientGaveUp() {
        record(1, put("x", "1"), 0, 10, unknown());
        record(2, put("x", "2"), 20, 30, ok());
        record(2, get("x"), 40, 50, ok("2"));
        record(3, get("x"), 60, 70, ok("1"));
        assertLinearizable();
    }

    @Test
    void unknownWriteThatNeverTookEffectIsAccepted() {
        record(1, put("x", "1"), 0, 10, unknown());
        record(2, get("x"), 20, 30, ok((String)null));
        record(1, cas("x", null, "2"), 40, 50, unknown());
        record(2, get("x"), 60, 70, ok((String)null));
        assertLinearizable();
    }

    @Test
    void neverCompletedWriteCountsAsUnknown() {
        history.invoke(1, put("x", "1"), 0);
        record(2, get("x"), 20, 30, ok((String)null));
        record(2, get("x"), 40, 50, ok("1"));
        assertLinearizable();
    }

    @Test
    void unknownCasTakesEffectOnlyIfItsExpectedValueWasThere() {
        record(1, put("x", "1"), 0, 10, ok());
        record(2, cas("x", "1", "2"), 20, 30, unknown());
        record(3, get("x"), 40, 50, ok("2"));
        assertLinearizable();

        final History wrongExpected = new History();
        record(wrongExpected, 1, put("x", "1"), 0, 10, ok());
        record(wrongExpected, 2, cas("x", "9", "2"), 20, 30, unknown());
        record(wrongExpected, 3, get("x"), 40, 50, ok("2"));
        assertThat(LinearizabilityChecker.check(wrongExpected).violations()).singleElement()
            .satisfies(violation -> assertThat(violation.keys()).containsExactly("x"));
    }

    @Test
    void failedWriteIsIgnoredAndMustNotBeSeen() {
        record(1, put("x", "1"), 0, 10, fail());
        record(2, get("x"), 20, 30, ok((String)null));
        assertLinearizable();

        record(2, get("x"), 40, 50, ok("1"));
        assertViolationOn("x");
    }

    @Test
    void unknownReadConstrainsNothing() {
        record(1, put("x", "1"), 0, 10, ok());
        record(2, get("x"), 20, 30, unknown());
        record(2, get("x"), 40, 50, fail());
        assertLinearizable();
    }

    @Test
    void atomicBatchMayBeSeenOnEitherKeyFirst() {
        record(1, batch(put("a", "1"), put("b", "1")), 0, 100, ok());
        record(2, get("b"), 10, 20, ok((String)null));
        record(2, get("a"), 30, 40, ok("1"));
        record(3, get("b"), 110, 120, ok("1"));
        assertLinearizable();
    }

    @Test
    void staleReadIsRejected() {
        record(1, put("x", "1"), 0, 10, ok());
        record(1, put("x", "2"), 20, 30, ok());
        record(2, get("x"), 40, 50, ok("1"));
        record(2, put("other", "1"), 60, 70, ok());
        assertViolationOn("x");
    }

    @Test
    void lostWriteIsRejected() {
        record(1, put("x", "1"), 0, 10, ok());
        record(1, put("x", "2"), 20, 30, ok());
        record(2, get("x"), 40, 50, ok("1"));
        record(3, get("x"), 60, 70, ok("1"));
        assertViolationOn("x");

        final History neverVisible = new History();
        record(neverVisible, 1, put("x", "1"), 0, 10, ok());
        record(neverVisible, 2, get("x"), 20, 30, ok((String)null));
        assertThat(LinearizabilityChecker.check(neverVisible).verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void readOfAValueNeverWrittenIsRejected() {
        record(1, put("x", "1"), 0, 10, ok());
        record(2, get("x"), 5, 15, ok("7"));
        assertViolationOn("x");
    }

    @Test
    void readOfAValueBeforeItsWriteWasInvokedIsRejected() {
        record(2, get("x"), 0, 10, ok("1"));
        record(1, put("x", "1"), 20, 30, unknown());
        assertViolationOn("x");
    }

    @Test
    void readThatGoesBackInTimeIsRejected() {
        record(1, put("x", "1"), 0, 10, ok());
        record(1, put("x", "2"), 20, 100, ok());
        record(2, get("x"), 30, 40, ok("2"));
        record(2, get("x"), 50, 60, ok("1"));
        assertViolationOn("x");
    }

    @Test
    void nonAtomicBatchIsRejected() {
        record(1, batch(put("a", "1"), put("b", "1")), 0, 100, ok());
        record(2, get("a"), 10, 20, ok("1"));
        record(2, get("b"), 30, 40, ok((String)null));
        assertViolationOn("a", "b");
    }

    @Test
    void batchVisibleOnOneKeyOnlyAfterItCompletedIsRejectedOnThatKey() {
        record(1, batch(put("a", "1"), put("b", "1")), 0, 10, ok());
        record(2, get("a"), 20, 30, ok("1"));
        record(2, get("b"), 40, 50, ok((String)null));
        assertViolationOn("b");
    }

    @Test
    void casThatSucceededOnAWrongExpectedValueIsRejected() {
        record(1, put("x", "1"), 0, 10, ok());
        record(2, cas("x", "2", "3"), 20, 30, ok(true));
        assertViolationOn("x");
    }

    @Test
    void casThatFailedOnTheRightExpectedValueIsRejected() {
        record(1, put("x", "1"), 0, 10, ok());
        record(2, cas("x", "1", "3"), 20, 30, ok(false));
        assertViolationOn("x");
    }

    @Test
    void violationsOnSeveralKeysAreAllReported() {
        record(1, put("x", "1"), 0, 10, ok());
        record(2, get("x"), 20, 30, ok("2"));
        record(1, put("y", "1"), 0, 10, ok());
        record(2, get("y"), 20, 30, ok((String)null));
        record(1, put("z", "1"), 0, 10, ok());
        record(2, get("z"), 20, 30, ok("1"));

        final Result result = LinearizabilityChecker.check(history);

        assertThat(result.violations()).extracting(Violation::keys)
            .containsExactlyInAnyOrder(java.util.List.of("x"), java.util.List.of("y"));
        assertThat(result.stats().partitions()).isEqualTo(3);
    }

    @Test
    void explanationShowsTheOperationThatCannotBePlacedAndTheOrderBeforeIt() {
        final long first = record(1, put("x", "1"), 0, 10, ok());
        final long second = record(1, put("x", "2"), 20, 30, ok());
        final long stale = record(2, get("x"), 40, 50, ok("1"));

        final Violation violation = LinearizabilityChecker.check(history).violations().get(0);

        assertThat(violation.explanation())
            .contains("#" + stale + " client 2 get(x) [40..50] ok 1   needs x = 1, but x = 2")
            .contains("#" + second + " client 1 put(x, 2) [20..30] ok   -> x = 2");
        assertThat(violation.calls()).extracting(Call::id).contains(first, second, stale);
    }

    @Test
    void equalTimesAreOrderedAsRecorded() {
        final long write = history.invoke(1, put("x", "1"), 5);
        history.complete(write, ok(), 10);
        final long read = history.invoke(2, get("x"), 10);
        history.complete(read, ok((String)null), 20);
        assertViolationOn("x");

        final History readInvokedFirst = new History();
        final long laterWrite = readInvokedFirst.invoke(1, put("x", "1"), 5);
        final long earlierRead = readInvokedFirst.invoke(2, get("x"), 10);
        readInvokedFirst.complete(laterWrite, ok(), 10);
        readInvokedFirst.complete(earlierRead, ok((String)null), 20);
        assertThat(LinearizabilityChecker.check(readInvokedFirst).isLinearizable()).isTrue();
    }

    @Test
    void exhaustedBudgetGivesUnknownNeverAPass() {
        for (int i = 0; i < 6; i++) {
            record(i, put("x", Integer.toString(i)), 0, 100, ok());
        }
        record(0, get("x"), 200, 210, ok("0"));

        assertThat(LinearizabilityChecker.check(history).verdict()).isEqualTo(Verdict.LINEARIZABLE);
        final Result cut = LinearizabilityChecker.check(history, Duration.ofMinutes(1), 3);
        assertThat(cut.verdict()).isEqualTo(Verdict.UNKNOWN);
        assertThat(cut.undecided()).singleElement().asString().contains("keys [x]", "budget exhausted");
        assertThatThrownBy(cut::assertLinearizable).isInstanceOf(AssertionError.class).hasMessageContaining("UNKNOWN");
    }

    @Test
    void expiredTimeoutGivesUnknown() {
        record(1, put("x", "1"), 0, 10, ok());

        final Result result = LinearizabilityChecker.check(history, Duration.ofNanos(1), 1_000);

        assertThat(result.verdict()).isEqualTo(Verdict.UNKNOWN);
        assertThat(result.undecided()).singleElement().asString().contains("time ran out");
    }

    @Test
    void violationWinsOverAnUndecidedPartition() {
        record(1, put("x", "1"), 0, 10, ok());
        record(2, get("x"), 20, 30, ok("2"));
        for (int i = 0; i < 20; i++) {
            record(i, put("y", Integer.toString(i)), 0, 100, ok());
        }
        record(0, get("y"), 200, 210, ok("0"));

        final Result result = LinearizabilityChecker.check(history, Duration.ofMinutes(1), 5);

        assertThat(result.verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
        assertThat(result.undecided()).hasSize(1);
    }

    @Test
    void assertLinearizableThrowsTheReportOnAViolation() {
        record(1, put("x", "1"), 0, 10, ok());
        record(2, get("x"), 20, 30, ok("2"));

        assertThatThrownBy(() -> LinearizabilityChecker.check(history).assertLinearizable())
            .isInstanceOf(AssertionError.class)
            .hasMessageContaining("NOT_LINEARIZABLE")
            .hasMessageContaining("needs x = 2, but x = 1");
    }

    private long record(int client, Operation operation, long invokeNs, long completeNs, Outcome outcome) {
        return record(history, client, operation, invokeNs, completeNs, outcome);
    }

    private static long record(History target, int client, Operation operation, long invokeNs, long completeNs,
        Outcome outcome) {
        final long id = target.invoke(client, operation, invokeNs);
        target.complete(id, outcome, completeNs);
        return id;
    }

    private void assertLinearizable() {
        final Result result = LinearizabilityChecker.check(history);
        assertThat(result.verdict()).as(result.toString()).isEqualTo(Verdict.LINEARIZABLE);
        assertThat(result.violations()).isEmpty();
    }

    private void assertViolationOn(String... keys) {
        final Result result = LinearizabilityChecker.check(history);
        assertThat(result.verdict()).as(result.toString()).isEqualTo(Verdict.NOT_LINEARIZABLE);
        assertThat(result.violations()).singleElement()
            .satisfies(violation -> assertThat(violation.keys()).containsExactly(keys));
    }
}
