package io.skiff.benchmarks;

import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs every benchmark once, in this JVM, with one short warm-up and one short measurement and the smallest
 * parameters, so that the suite cannot rot between full runs. Nothing here judges a number: each benchmark only
 * has to run and produce a result.
 */
class BenchmarkSmokeTest {
    private static final TimeValue SHORT = TimeValue.milliseconds(200);

    @Test
    void codecBenchmarksEncodeAndDecode() throws RunnerException {
        assertEveryMethodRan(run(CodecBenchmark.class, null, "entries", "1"), "encode", "decode");
    }

    @Test
    void coreStepBenchmarksCommit() throws RunnerException {
        assertEveryMethodRan(run(CoreStepBenchmark.class, null), "commitOne", "commitBatchOf64");
    }

    @Test
    void clusterBenchmarksWriteAndReadInMemory() throws RunnerException {
        assertEveryMethodRan(run(ClusterBenchmark.class, null, "transport", "mem", "storage", "memory", "inFlight",
            "1"), "write", "read", "writeLatency", "readLatency");
    }

    @Test
    void clusterBenchmarkWritesOverUdpToXodusWithRequestsInFlight() throws RunnerException {
        assertEveryMethodRan(run(ClusterBenchmark.class, "write", "transport", "udp", "storage", "xodus", "inFlight",
            "64"), "write");
    }

    @Test
    void logAppendBenchmarkAppendsWithGroupCommit() throws RunnerException {
        assertEveryMethodRan(run(LogAppendBenchmark.class, null, "batch", "64"), "append");
    }

    /**
     * @param method      one benchmark method, or {@code null} for all of the class.
     * @param paramValues pairs of parameter name and value.
     */
    private static Collection<RunResult> run(Class<?> benchmark, String method, String... paramValues)
        throws RunnerException {
        final ChainedOptionsBuilder options = new OptionsBuilder()
            .include("^" + benchmark.getName().replace(".", "\\.") + "\\." + (null == method ? "" : method + "$"))
            .forks(0)
            .warmupIterations(1).warmupTime(SHORT)
            .measurementIterations(1).measurementTime(SHORT)
            .shouldFailOnError(true)
            .verbosity(VerboseMode.NORMAL);
        for (int i = 0; i < paramValues.length; i += 2) {
            options.param(paramValues[i], paramValues[i + 1]);
        }
        return new Runner(options.build()).run();
    }

    private static void assertEveryMethodRan(Collection<RunResult> results, String... methods) {
        final List<String> ran = new ArrayList<>();
        for (RunResult result : results) {
            final String benchmark = result.getParams().getBenchmark();
            ran.add(benchmark.substring(benchmark.lastIndexOf('.') + 1));
            assertThat(result.getPrimaryResult().getSampleCount())
                .as("samples measured by %s", benchmark).isPositive();
            assertThat(result.getPrimaryResult().getScore()).as("score of %s", benchmark).isPositive();
        }
        assertThat(ran).containsExactlyInAnyOrder(methods);
    }
}
