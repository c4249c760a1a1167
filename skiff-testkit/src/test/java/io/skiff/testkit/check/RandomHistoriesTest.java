package io.skiff.testkit.check;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class RandomHistoriesTest {
    private static final int SEEDS = 300;
    private static final String[] KEYS = {"x", "y", "z"};

    @Test
    void simulatedRegisterHistoriesAreAccepted() {
        for (long seed = 0; seed < SEEDS; seed++) {
            final Script script = RegisterSimulation.generate(workload(seed), seed);
            final Result result = LinearizabilityChecker.check(script.replay());
            assertThat(result.verdict()).as("seed %d: %s", seed, result).isEqualTo(Verdict.LINEARIZABLE);
        }
    }

    @Test
    void simulatedRegisterHistoriesWithOneStaleReadAreRejectedOnItsKey() {
        int mutated = 0;
        for (long seed = 0; seed < SEEDS; seed++) {
            final Script script = RegisterSimulation.generate(workload(seed), seed);
            final StaleRead stale = StaleRead.find(script, new Random(seed));
            if (null == stale) {
                continue;
            }
            mutated++;
            final Result result = LinearizabilityChecker.check(stale.inject(script));
            assertThat(result.verdict()).as("seed %d, read #%d made to return %s: %s", seed, stale.readIndex,
                stale.staleValue, result).isEqualTo(Verdict.NOT_LINEARIZABLE);
            assertThat(result.violations()).as("seed %d", seed).singleElement()
                .satisfies(violation -> assertThat(violation.keys()).containsExactly(stale.key));
        }
        assertThat(mutated).isGreaterThan(SEEDS * 9 / 10);
    }

    @Test
    void historiesWithBatchesJoiningEveryKeyAreDecidedBothWays() {
        for (long seed = 0; seed < 100; seed++) {
            final RegisterSimulation.Workload workload = new RegisterSimulation.Workload().clients(6).keys(8)
                .operations(300).groupSize(3).batchesAcrossAllKeys().unknownRate(0.1);
            final Script script = RegisterSimulation.generate(workload, seed);
            final Result accepted = LinearizabilityChecker.check(script.replay());
            assertThat(accepted.verdict()).as("seed %d: %s", seed, accepted).isEqualTo(Verdict.LINEARIZABLE);

            final StaleRead stale = StaleRead.find(script, new Random(seed));
            final Result rejected = LinearizabilityChecker.check(stale.inject(script));
            assertThat(rejected.verdict()).as("seed %d: %s", seed, rejected).isEqualTo(Verdict.NOT_LINEARIZABLE);
        }
    }

    @Test
    void checkerAgreesWithBruteForceOnSmallRandomHistories() {
        int linearizable = 0;
        int notLinearizable = 0;
        for (long seed = 0; seed < 4000; seed++) {
            final History history = randomSmallHistory(new Random(seed));
            final boolean expected = BruteForceChecker.isLinearizable(history);
            final Result result = LinearizabilityChecker.check(history);
            assertThat(result.verdict()).as("seed %d: %s\n%s", seed, history.calls(), result)
                .isEqualTo(expected ? Verdict.LINEARIZABLE : Verdict.NOT_LINEARIZABLE);
            linearizable += expected ? 1 : 0;
            notLinearizable += expected ? 0 : 1;
        }
        assertThat(linearizable).isGreaterThan(500);
        assertThat(notLinearizable).isGreaterThan(500);
    }

    @Test
    void checkerAgreesWithBruteForceOnSmallSimulatedHistoriesWithOneOutcomeChanged() {
        int linearizable = 0;
        int notLinearizable = 0;
        for (long seed = 0; seed < 3000; seed++) {
            final Random random = new Random(seed);
            final RegisterSimulation.Workload workload = new RegisterSimulation.Workload()
                .clients(2 + random.nextInt(3)).keys(1 + random.nextInt(3)).groupSize(3)
                .operations(4 + random.nextInt(8)).unknownRate(0.2).maxLatency(1 + random.nextInt(4));
            final Script script = RegisterSimulation.generate(workload, seed);
            final int changed = random.nextInt(script.size());
            final Outcome replacement = otherOutcome(random, script, changed);
            final History history = script.replay(index -> index == changed ? replacement : null);
            final boolean expected = BruteForceChecker.isLinearizable(history);
            final Result result = LinearizabilityChecker.check(history);
            assertThat(result.verdict()).as("seed %d: %s\n%s", seed, history.calls(), result)
                .isEqualTo(expected ? Verdict.LINEARIZABLE : Verdict.NOT_LINEARIZABLE);
            linearizable += expected ? 1 : 0;
            notLinearizable += expected ? 0 : 1;
        }
        assertThat(linearizable).isGreaterThan(500);
        assertThat(notLinearizable).isGreaterThan(500);
    }

    /** @return a plausible outcome other than the recorded one: another value read, the other cas result, unknown. */
    private static Outcome otherOutcome(Random random, Script script, int index) {
        final Outcome recorded = script.outcome(index);
        if (null == recorded || random.nextInt(4) == 0) {
            return random.nextBoolean() ? Outcome.unknown() : Outcome.fail();
        }
        switch (script.operation(index).kind()) {
            case GET:
                final List<String> written = new ArrayList<>();
                written.add(null);
                for (int i = 0; i < script.size(); i++) {
                    final Operation op = script.operation(i);
                    if (Operation.Kind.PUT == op.kind() && op.key().equals(script.operation(index).key())) {
                        written.add(op.value());
                    }
                }
                return Outcome.ok(written.get(random.nextInt(written.size())));
            case CAS:
                return Outcome.ok(!recorded.applied());
            default:
                return Outcome.unknown();
        }
    }

    private static RegisterSimulation.Workload workload(long seed) {
        final Random random = new Random(~seed);
        return new RegisterSimulation.Workload().clients(2 + random.nextInt(7)).keys(1 + random.nextInt(6))
            .operations(100 + random.nextInt(200)).groupSize(1 + random.nextInt(3))
            .unknownRate(random.nextInt(3) * 0.05).maxLatency(2 + random.nextInt(8));
    }

    /**
     * Arbitrary operations over three keys and two values with random intervals and outcomes: about half are
     * linearizable. Equal times are common, so the recording order matters too.
     */
    private static History randomSmallHistory(Random random) {
        final int size = 1 + random.nextInt(9);
        final List<long[]> events = new ArrayList<>();
        final Operation[] operations = new Operation[size];
        final Outcome[] outcomes = new Outcome[size];
        for (int i = 0; i < size; i++) {
            operations[i] = randomOperation(random);
            outcomes[i] = randomOutcome(random, operations[i]);
            final long invoke = random.nextInt(12);
            final long invokeOrder = random.nextInt(1000);
            events.add(new long[] {invoke, invokeOrder, i, 0});
            if (null != outcomes[i]) {
                final long complete = invoke + random.nextInt(8);
                events.add(new long[] {complete, complete == invoke ? invokeOrder + 1 : random.nextInt(1001), i, 1});
            }
        }
        events.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        final History history = new History();
        final long[] ids = new long[size];
        for (final long[] event : events) {
            final int i = (int)event[2];
            if (0 == event[3]) {
                ids[i] = history.invoke(i, operations[i], event[0]);
            } else {
                history.complete(ids[i], outcomes[i], event[0]);
            }
        }
        return history;
    }

    private static Operation randomOperation(Random random) {
        final String key = KEYS[random.nextInt(KEYS.length)];
        switch (random.nextInt(6)) {
            case 0:
            case 1:
                return Operation.get(key);
            case 2:
                return Operation.put(key, randomValue(random));
            case 3:
                return Operation.del(key);
            case 4:
                return Operation.cas(key, randomValueOrAbsent(random), randomValueOrAbsent(random));
            default:
                final String other = KEYS[random.nextInt(KEYS.length)];
                return Operation.batch(Operation.put(key, randomValue(random)),
                    random.nextBoolean() ? Operation.put(other, randomValue(random)) : Operation.del(other));
        }
    }

    /** @return an outcome, or {@code null} for a call that is never completed. */
    private static Outcome randomOutcome(Random random, Operation operation) {
        final int roll = random.nextInt(20);
        if (roll == 0) {
            return null;
        }
        if (roll <= 2) {
            return Outcome.fail();
        }
        if (roll <= 5) {
            return Outcome.unknown();
        }
        switch (operation.kind()) {
            case GET:
                return Outcome.ok(randomValueOrAbsent(random));
            case CAS:
                return Outcome.ok(random.nextBoolean());
            default:
                return Outcome.ok();
        }
    }

    private static String randomValue(Random random) {
        return random.nextBoolean() ? "1" : "2";
    }

    private static String randomValueOrAbsent(Random random) {
        return random.nextInt(3) == 0 ? null : randomValue(random);
    }
}
