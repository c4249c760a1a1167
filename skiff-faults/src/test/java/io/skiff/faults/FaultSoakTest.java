package io.skiff.faults;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The long soak, outside the default build (tag "slow"; profile fault-soak, or scripts/fault-soak.sh): runs of
 * seeded faults drawn with replacement, each on a fresh cluster, then a summary on the console and in
 * target/fault-runs/soak-summary.txt. Properties:
 * <ul>
 *   <li>{@code skiff.faults.runs} (5), {@code skiff.faults.runSeconds} of faults per run (120),
 *   {@code skiff.faults.firstSeed} (1000);</li>
 *   <li>{@code skiff.faults.nodes}: cluster sizes used in turn (3,5);</li>
 *   <li>{@code skiff.faults.kinds}: labels of the kinds to draw from, e.g. {@code pause-past-liveness,kill-leader},
 *   or {@code all} (default: those without an open defect).</li>
 * </ul>
 */
@Tag("slow")
class FaultSoakTest {
    @Test
    void soak() throws IOException {
        final long runs = Suite.longProperty("skiff.faults.runs", 5);
        final Duration runTime = Duration.ofSeconds(Suite.longProperty("skiff.faults.runSeconds", 120));
        final long firstSeed = Suite.longProperty("skiff.faults.firstSeed", 1000);
        final int[] sizes = Arrays.stream(System.getProperty("skiff.faults.nodes", "3,5").split(","))
            .mapToInt(size -> Integer.parseInt(size.trim())).toArray();
        final List<FaultKind> kinds = kinds(System.getProperty("skiff.faults.kinds", ""));
        final SoakSummary summary = new SoakSummary();
        final Path summaryFile = Suite.directory("soak-summary.txt");
        Files.createDirectories(summaryFile.getParent());
        for (long run = 0; run < runs; run++) {
            final long seed = firstSeed + run;
            final FaultRun.Config config = FaultRun.Config.drawn(seed, sizes[(int)(run % sizes.length)], kinds, false,
                Integer.MAX_VALUE, runTime);
            final RunReport report = FaultRun.run(config, Suite.launcher(), Suite.directory("soak-seed-" + seed));
            summary.add(report);
            System.out.print(report.describe());
            Files.writeString(summaryFile, runsSoFar(summary) + summary.describe());
        }
        System.out.print(summary.describe());
        assertThat(summary.violations()).as(summary.describe()).isEmpty();
    }

    private static String runsSoFar(SoakSummary summary) {
        final StringBuilder text = new StringBuilder();
        summary.reports().forEach(report -> text.append(report.describe()));
        return text.append('\n').toString();
    }

    private static List<FaultKind> kinds(String labels) {
        if (labels.isBlank()) {
            return FaultKind.enabled();
        }
        if ("all".equals(labels.trim())) {
            return List.of(FaultKind.values());
        }
        final List<FaultKind> kinds = new ArrayList<>();
        for (String label : labels.split(",")) {
            kinds.add(FaultKind.valueOf(label.trim().toUpperCase(Locale.ROOT).replace('-', '_')));
        }
        return kinds;
    }
}
