package io.skiff.benchmarks.load;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs the load tool briefly on an in-memory cluster; nothing here judges a number. */
class LoadToolTest {
    @Test
    void aShortMixedRunReportsWritesReadsAndNoErrorsAsJson() {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int status = LoadTool.run(new String[] {"--clients", "2", "--in-flight", "8", "--reads", "50",
            "--keys", "100", "--warmup", "200ms", "--duration", "1s", "--progress", "250ms", "--json"},
            new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        final String json = out.toString(StandardCharsets.UTF_8);
        assertThat(status).as("exit status; stderr: %s", err).isIn(LoadTool.OK, LoadTool.ELECTIONS);
        assertThat(json).startsWith("{\"cluster\": {\"nodes\": 3, \"transport\": \"mem\"")
            .contains("\"errors\": {}").doesNotContain("\"count\": 0,");
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("put").contains("get").contains("elections");
    }

    @Test
    void aTableIsPrintedWithoutJson() {
        final LoadReport report = LoadTool.run(LoadOptions.parse("--warmup", "0s", "--duration", "300ms",
            "--progress", "0"), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertThat(report.writes().count()).isPositive();
        assertThat(report.reads().count()).isZero();
        assertThat(report.table()).contains("put").contains("elections: ").doesNotContain("\nget ");
    }

    @Test
    void helpPrintsTheUsageAndWrongOptionsFail() {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final PrintStream stream = new PrintStream(out, true, StandardCharsets.UTF_8);
        assertThat(LoadTool.run(new String[] {"--help"}, stream, stream)).isEqualTo(LoadTool.OK);
        assertThat(LoadTool.run(new String[] {"--in-flight", "0"}, stream, stream)).isEqualTo(LoadTool.FAILED);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--in-flight N")
            .contains("--in-flight expects 1 to 100000, actual 0");
    }
}
