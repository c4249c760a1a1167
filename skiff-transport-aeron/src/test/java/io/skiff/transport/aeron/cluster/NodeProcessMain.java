package io.skiff.transport.aeron.cluster;

import io.skiff.NodeStats;
import io.skiff.ReadConsistency;
import io.skiff.Skiff;
import io.skiff.SkiffNode;
import io.skiff.SkiffOptions;
import io.skiff.storage.xodus.XodusStorageOptions;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One Skiff node in a process of its own, for {@link ProcessClusterTest}: UDP transport, Xodus storage in its own
 * directory, driven through a line protocol on standard input and output.
 *
 * <pre>
 * java ... NodeProcessMain ADDRESS DATA_DIR ELECTION_MIN_MS ELECTION_MAX_MS HEARTBEAT_MS PEER...
 *
 *   prints "ready" once the node has started, then answers each request line, possibly out of order:
 *   ID put KEY VALUE   ->  ID ok
 *   ID get KEY         ->  ID value VALUE | ID none          (linearizable)
 *   ID lget KEY        ->  ID value VALUE | ID none          (local)
 *   ID status          ->  ID status STATE TERM LEADER|- COMMIT_INDEX APPLIED_INDEX
 *   any failure        ->  ID error DESCRIPTION
 * </pre>
 *
 * The end of standard input stops the node and the process: the parent's death, however it dies, ends it too.
 */
public final class NodeProcessMain {
    private static final long XODUS_CACHE_BYTES = 8L * 1024 * 1024;

    private NodeProcessMain() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 5) {
            throw new IllegalArgumentException("expected ADDRESS DATA_DIR ELECTION_MIN_MS ELECTION_MAX_MS "
                + "HEARTBEAT_MS PEER..., got " + Arrays.toString(args));
        }
        final SkiffOptions options = SkiffOptions.builder()
            .storage("xodus")
            .location(Path.of(args[1]))
            .providerOptions(XodusStorageOptions.builder().cacheBytes(XODUS_CACHE_BYTES).build())
            .electionTimeoutMin(Duration.ofMillis(Long.parseLong(args[2])))
            .electionTimeoutMax(Duration.ofMillis(Long.parseLong(args[3])))
            .appendEntriesInterval(Duration.ofMillis(Long.parseLong(args[4])))
            .clientMaxRetries(50)
            .peers(Arrays.copyOfRange(args, 5, args.length))
            .build();
        final PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        final SkiffNode node = Skiff.node(args[0], options);
        node.start().join();
        reply(out, "ready");
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            String line;
            while (null != (line = in.readLine())) {
                serve(node, out, line.split(" "));
            }
        } finally {
            node.close();
        }
    }

    private static void serve(SkiffNode node, PrintStream out, String[] request) {
        final String id = request[0];
        final CompletableFuture<String> answer;
        try {
            switch (request[1]) {
                case "put":
                    answer = node.levelup().put(request[2], request[3]).thenApply(ignored -> "ok");
                    break;
                case "get":
                    answer = node.levelup().get(request[2], ReadConsistency.LINEARIZABLE)
                        .thenApply(NodeProcessMain::describe);
                    break;
                case "lget":
                    answer = node.levelup().get(request[2], ReadConsistency.LOCAL).thenApply(NodeProcessMain::describe);
                    break;
                case "status":
                    answer = CompletableFuture.completedFuture(status(node.stats()));
                    break;
                default:
                    throw new IllegalArgumentException("unknown request '" + request[1] + "'");
            }
        } catch (RuntimeException e) {
            reply(out, id + " error " + e);
            return;
        }
        answer.whenComplete((text, failure) -> reply(out, id + " " + (null == failure ? text : "error " + failure)));
    }

    private static String describe(Optional<String> value) {
        return value.map(v -> "value " + v).orElse("none");
    }

    private static String status(NodeStats stats) {
        return "status " + stats.state() + " " + stats.term() + " " + (null == stats.leader() ? "-" : stats.leader())
            + " " + stats.commitIndex() + " " + stats.appliedIndex();
    }

    private static void reply(PrintStream out, String line) {
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }
}
