package io.skiff.testkit.check;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Random;

/**
 * How long the checker takes on large simulated histories; prints a table and asserts only verdicts. Tagged
 * {@code slow}, so it runs only on request (see the testkit pom). Each workload is checked in a fresh history
 * several times: the first round includes JIT warm-up, as a test that checks one history would see it. CPU time is
 * the checking thread's, which stays meaningful on a loaded machine where wall time does not.
 */
@Tag("slow")
class CheckerBenchmark {
    private static final int ROUNDS = 3;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

    @Test
    void checkLargeHistories() {
        System.out.printf("%-64s %5s %8s %9s %9s %10s %-17s%n", "workload", "round", "ops", "wall ms", "cpu ms",
            "states", "verdict");
        measure("100k ops, 300 keys, no batches", LargeHistoryTest.hundredThousandOperations().groupSize(1), ROUNDS);
        measure("100k ops, 300 keys, batches in groups of 4", LargeHistoryTest.hundredThousandOperations(), ROUNDS);
        measure("10k ops, 300 keys, batches across all keys",
            LargeHistoryTest.hundredThousandOperations().operations(10_000).groupSize(3).batchesAcrossAllKeys(),
            ROUNDS);
        measure("5k ops, 5 clients, 4 keys, batches", new RegisterSimulation.Workload().clients(5).keys(4)
            .groupSize(4).operations(5_000).unknownRate(0.05), ROUNDS);
        measure("100k ops, 30 keys, batches in groups of 4", LargeHistoryTest.hundredThousandOperations().keys(30), 1);
        measure("100k ops, 300 keys, batches across all keys",
            LargeHistoryTest.hundredThousandOperations().groupSize(3).batchesAcrossAllKeys(), 1);
    }

    private void measure(String name, RegisterSimulation.Workload workload, int rounds) {
        for (int round = 0; round < rounds; round++) {
            final Script script = RegisterSimulation.generate(workload, round);
            final Result accepted = timed(name, round, script.replay());
            if (!accepted.undecided().isEmpty()) {
                System.out.println("    " + accepted.undecided().get(0));
            }
            final StaleRead stale = StaleRead.find(script, new Random(round));
            final Result rejected = timed(name + ", one stale read", round, stale.inject(script));
            if (Verdict.NOT_LINEARIZABLE != rejected.verdict() || Verdict.NOT_LINEARIZABLE == accepted.verdict()) {
                throw new AssertionError("round " + round + " of " + name + ": " + accepted + "\n" + rejected);
            }
        }
    }

    private Result timed(String name, int round, History history) {
        final long wallStart = System.nanoTime();
        final long cpuStart = threads.getCurrentThreadCpuTime();
        final Result result = LinearizabilityChecker.check(history, TIMEOUT, LinearizabilityChecker.DEFAULT_MAX_STATES);
        final long cpuNs = threads.getCurrentThreadCpuTime() - cpuStart;
        final long wallNs = System.nanoTime() - wallStart;
        System.out.printf("%-64s %5d %8d %9d %9d %10d %-17s%n", name, round, result.stats().operations(),
            wallNs / 1_000_000, cpuNs / 1_000_000, result.stats().statesExplored(), result.verdict());
        return result;
    }
}
