package io.skiff.testkit.check;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The scale the checker is built for; {@link CheckerBenchmark} measures how long it takes. */
class LargeHistoryTest {
    /** 20 clients over 300 keys, batches within groups of 4 keys, 5% unknown and 2% failed outcomes. */
    static RegisterSimulation.Workload hundredThousandOperations() {
        return new RegisterSimulation.Workload().clients(20).keys(300).groupSize(4).operations(100_000)
            .unknownRate(0.05);
    }

    @Test
    void hundredThousandOperationsAreDecidedBothWays() {
        final long seed = 42;
        final Script script = RegisterSimulation.generate(hundredThousandOperations(), seed);

        final Result accepted = LinearizabilityChecker.check(script.replay());
        assertThat(accepted.verdict()).as("seed %d: %s", seed, accepted).isEqualTo(Verdict.LINEARIZABLE);

        final StaleRead stale = StaleRead.find(script, new Random(seed));
        final Result rejected = LinearizabilityChecker.check(stale.inject(script));
        assertThat(rejected.verdict()).as("seed %d: %s", seed, rejected).isEqualTo(Verdict.NOT_LINEARIZABLE);
        assertThat(rejected.violations()).singleElement()
            .satisfies(violation -> assertThat(violation.keys()).containsExactly(stale.key));
    }
}
