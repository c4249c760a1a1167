package io.skiff.benchmarks.load;

import io.skiff.ReadConsistency;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * What the load tool runs: the cluster and the workload.
 *
 * @param cluster          the in-process cluster.
 * @param clients          independent clients, each with its own window of requests.
 * @param inFlight         requests each client keeps outstanding (1: sequential).
 * @param valueBytes       bytes of every written value.
 * @param readPercent      share of reads (levelup {@code get}) among requests, 0 to 100; the rest are {@code put}s.
 * @param readConsistency  how fresh the reads are.
 * @param keys             distinct keys, chosen uniformly at random.
 * @param warmup           load before measuring, not counted.
 * @param duration         measured load.
 * @param allNodes         send each client's requests to a node of its own (round robin, followers forward) instead
 *                         of to the leader.
 * @param progressInterval between progress lines; zero for none.
 * @param json             print the result as JSON instead of a table.
 * @param jsonOut          a file to append the result to as one line of JSON, besides printing it; or {@code null}.
 */
public record LoadOptions(ClusterSpec cluster, int clients, int inFlight, int valueBytes, int readPercent,
    ReadConsistency readConsistency, int keys, Duration warmup, Duration duration, boolean allNodes,
    Duration progressInterval, boolean json, Path jsonOut) {

    /** The usage text, also printed for {@code --help}. */
    public static final String USAGE = String.join("\n",
        "usage: load [options]   (java -jar benchmarks.jar load ...)",
        "  Runs a cluster in this JVM under load and reports throughput, latency percentiles, elections and the",
        "  leader's allocation per request.",
        "  --nodes N              cluster size (3)",
        "  --transport mem|udp    in-memory network or Aeron UDP on 127.0.0.1 (mem)",
        "  --storage memory|xodus in-memory or Xodus storage (memory)",
        "  --durability fsync|none  Xodus: fsync every log batch, or never (fsync)",
        "  --state-machine kv|kv-storage  KV held in memory, or resident in the storage (kv)",
        "  --clients N            independent clients (1)",
        "  --in-flight N          requests outstanding per client (1)",
        "  --value-size BYTES     value size of writes (100)",
        "  --reads PERCENT        share of reads, 0-100 (0)",
        "  --read-consistency linearizable|lease|local  how fresh the reads are (linearizable)",
        "  --keys N               distinct keys (10000)",
        "  --warmup DURATION      load before measuring, e.g. 5s, 500ms (5s)",
        "  --duration DURATION    measured load (20s)",
        "  --target leader|all    send to the leader, or spread clients over every node (leader)",
        "  --progress DURATION    interval of progress lines on stderr, 0 for none (1s)",
        "  --json                 print the result as JSON",
        "  --json-out FILE        also append the result to FILE as one line of JSON",
        "  --help                 print this text");

    /**
     * @throws IllegalArgumentException naming the option, the value and what is accepted.
     */
    public LoadOptions {
        requireRange("--clients", clients, 1, 100_000);
        requireRange("--in-flight", inFlight, 1, 100_000);
        requireRange("--value-size", valueBytes, 0, 1 << 20);
        requireRange("--reads", readPercent, 0, 100);
        requireRange("--keys", keys, 1, 100_000_000);
        if (warmup.isNegative() || duration.isNegative() || duration.isZero() || progressInterval.isNegative()) {
            throw new IllegalArgumentException("expected --duration > 0 and --warmup, --progress >= 0, actual "
                + duration + ", " + warmup + ", " + progressInterval);
        }
    }

    /** @return the defaults: 3 nodes, mem, memory, kv, one sequential writer of 100-byte values for 20 s. */
    public static LoadOptions defaults() {
        return parse();
    }

    /**
     * Reads command-line options; unknown ones are refused.
     *
     * @throws IllegalArgumentException naming the option and what was expected.
     */
    public static LoadOptions parse(String... args) {
        int nodes = 3;
        String transport = ClusterSpec.MEM;
        String storage = ClusterSpec.MEMORY;
        boolean durable = true;
        String stateMachine = "kv";
        int clients = 1;
        int inFlight = 1;
        int valueBytes = 100;
        int readPercent = 0;
        ReadConsistency readConsistency = ReadConsistency.LINEARIZABLE;
        int keys = 10_000;
        Duration warmup = Duration.ofSeconds(5);
        Duration duration = Duration.ofSeconds(20);
        boolean allNodes = false;
        Duration progress = Duration.ofSeconds(1);
        boolean json = false;
        Path jsonOut = null;
        for (int i = 0; i < args.length; i++) {
            final String option = args[i];
            switch (option) {
                case "--json" -> json = true;
                case "--json-out" -> jsonOut = Path.of(value(args, ++i, option));
                case "--nodes" -> nodes = integer(option, value(args, ++i, option));
                case "--transport" -> transport = value(args, ++i, option);
                case "--storage" -> storage = value(args, ++i, option);
                case "--durability" -> durable = durability(value(args, ++i, option));
                case "--state-machine" -> stateMachine = value(args, ++i, option);
                case "--clients" -> clients = integer(option, value(args, ++i, option));
                case "--in-flight" -> inFlight = integer(option, value(args, ++i, option));
                case "--value-size" -> valueBytes = integer(option, value(args, ++i, option));
                case "--reads" -> readPercent = integer(option, value(args, ++i, option));
                case "--read-consistency" -> readConsistency = consistency(value(args, ++i, option));
                case "--keys" -> keys = integer(option, value(args, ++i, option));
                case "--warmup" -> warmup = duration(option, value(args, ++i, option));
                case "--duration" -> duration = duration(option, value(args, ++i, option));
                case "--progress" -> progress = duration(option, value(args, ++i, option));
                case "--target" -> allNodes = target(value(args, ++i, option));
                default -> throw new IllegalArgumentException("unknown option " + option + "; expected one of:\n"
                    + USAGE);
            }
        }
        return new LoadOptions(new ClusterSpec(nodes, transport, storage, durable, stateMachine), clients, inFlight,
            valueBytes, readPercent, readConsistency, keys, warmup, duration, allNodes, progress, json, jsonOut);
    }

    /** @return total requests outstanding at once. */
    public int concurrency() {
        return clients * inFlight;
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException("option " + option + " expects a value, actual none");
        }
        return args[i];
    }

    private static ReadConsistency consistency(String text) {
        for (ReadConsistency consistency : ReadConsistency.values()) {
            if (consistency.name().toLowerCase(Locale.ROOT).equals(text)) {
                return consistency;
            }
        }
        throw new IllegalArgumentException("option --read-consistency expects linearizable, lease or local, actual '"
            + text + "'");
    }

    private static int integer(String option, String text) {
        try {
            return Integer.parseInt(text.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option " + option + " expects an integer, actual '" + text + "'", e);
        }
    }

    /** Accepts {@code 20s}, {@code 500ms}, {@code 2m} or a bare number of seconds. */
    static Duration duration(String option, String text) {
        final String value = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (value.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
            }
            if (value.endsWith("s")) {
                return Duration.ofMillis(Math.round(Double.parseDouble(value.substring(0, value.length() - 1))
                    * 1000));
            }
            if (value.endsWith("m")) {
                return Duration.ofSeconds(Long.parseLong(value.substring(0, value.length() - 1)) * 60);
            }
            return Duration.ofMillis(Math.round(Double.parseDouble(value) * 1000));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option " + option + " expects a duration such as 20s, 500ms or 2m, "
                + "actual '" + text + "'", e);
        }
    }

    private static boolean durability(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "fsync" -> true;
            case "none", "no-sync" -> false;
            default -> throw new IllegalArgumentException("option --durability expects fsync or none, actual '"
                + text + "'");
        };
    }

    private static boolean target(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "leader" -> false;
            case "all" -> true;
            default -> throw new IllegalArgumentException("option --target expects leader or all, actual '" + text
                + "'");
        };
    }

    private static void requireRange(String option, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException("option " + option + " expects " + min + " to " + max + ", actual "
                + value);
        }
    }
}
