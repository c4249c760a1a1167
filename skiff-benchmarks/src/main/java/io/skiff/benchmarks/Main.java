package io.skiff.benchmarks;

import io.skiff.benchmarks.load.LoadTool;
import io.skiff.benchmarks.profile.JfrSummary;

import java.util.Arrays;

/**
 * The entry point of {@code benchmarks.jar}: {@code load ...} runs the {@link LoadTool}, {@code jfr-summary ...}
 * the {@link JfrSummary} of a recording; anything else goes to JMH's own command line ({@code -h} lists its
 * options, {@code -l} the benchmarks).
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("load")) {
            System.exit(LoadTool.run(Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
        }
        if (args.length > 0 && args[0].equals("jfr-summary")) {
            JfrSummary.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        org.openjdk.jmh.Main.main(args);
    }
}
