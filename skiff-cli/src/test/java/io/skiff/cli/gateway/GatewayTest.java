package io.skiff.cli.gateway;

import io.skiff.NodeState;
import io.skiff.Skiff;
import io.skiff.SkiffNode;
import io.skiff.SkiffOptions;
import io.skiff.cli.Await;
import io.skiff.cli.Http;
import io.skiff.cli.Ports;
import io.skiff.cli.json.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every route of the gateway over a one-node cluster (it elects itself) on Aeron UDP: what each answers, and that
 * malformed or oversized requests are refused with 4xx and a message.
 */
class GatewayTest {
    private static final int MAX_COMMAND_BYTES = 4096;
    /** A put command's type byte and the lengths of its key and value. */
    private static final int PUT_COMMAND_OVERHEAD = 9;

    private static SkiffNode node;
    private static HttpGateway gateway;
    private static String base;

    @BeforeAll
    static void startNodeAndGateway() throws Exception {
        node = Skiff.node("/ip4/127.0.0.1/udp/" + Ports.freeUdp(),
            SkiffOptions.builder().maxCommandBytes(MAX_COMMAND_BYTES).build());
        node.start().get(30, TimeUnit.SECONDS);
        Await.value("the node to lead itself", node::state, state -> state == NodeState.LEADER);
        gateway = HttpGateway.start(node, new GatewayOptions(new InetSocketAddress("127.0.0.1", 0), 4, 64,
            Duration.ofSeconds(10), MAX_COMMAND_BYTES));
        base = "http://127.0.0.1:" + gateway.address().getPort();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        node.close();
    }

    @Test
    void aValuePutIsReadBackAsOctets() {
        assertThat(Http.put(base + "/kv/greeting", "hello world").status()).isEqualTo(204);

        final Http.Reply reply = Http.get(base + "/kv/greeting");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.contentType()).isEqualTo("application/octet-stream");
        assertThat(reply.text()).isEqualTo("hello world");
        assertThat(Http.get(base + "/kv/greeting?consistency=local").text()).isEqualTo("hello world");
        assertThat(Http.get(base + "/kv/greeting?consistency=lease").text()).isEqualTo("hello world");
        assertThat(range("?gte=greeting&lte=greeting&consistency=lease")).hasSize(1);
    }

    @Test
    void anEmptyValueIsAValue() {
        assertThat(Http.put(base + "/kv/empty", "").status()).isEqualTo(204);

        final Http.Reply reply = Http.get(base + "/kv/empty");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body()).isEmpty();
    }

    @Test
    void anAbsentKeyIs404WithAJsonError() {
        final Http.Reply reply = Http.get(base + "/kv/never-written");

        assertThat(reply.status()).isEqualTo(404);
        assertThat(reply.contentType()).startsWith("application/json");
        assertThat(Json.parse(reply.text())).isEqualTo(Map.of("error", "key not found", "status", 404L,
            "key", "never-written"));
    }

    @Test
    void aDeletedKeyIsGoneAndDeletingItAgainSucceeds() {
        Http.put(base + "/kv/doomed", "x");

        assertThat(Http.delete(base + "/kv/doomed").status()).isEqualTo(204);
        assertThat(Http.get(base + "/kv/doomed").status()).isEqualTo(404);
        assertThat(Http.delete(base + "/kv/doomed").status()).isEqualTo(204);
    }

    @Test
    void keysArePercentDecodedUtf8AndMayHoldSlashesAndPluses() {
        assertThat(Http.put(base + "/kv/path%2Fwith/slash%20and+plus%C3%A9", "v").status()).isEqualTo(204);

        assertThat(Http.get(base + "/kv/path/with%2Fslash%20and+plus%C3%A9").text()).isEqualTo("v");
        assertThat(range("?gte=path&lt=path0").get(0)).isEqualTo(Map.of("key", "path/with/slash and+plus\u00e9",
            "value", "v"));
    }

    @Test
    void bytesThatAreNotUtf8TravelAsBase64InJson() {
        final byte[] value = {(byte)0xFF, 0, (byte)0xC3};
        assertThat(Http.send("PUT", base + "/kv/bin%FF%01", value).status()).isEqualTo(204);

        assertThat(Http.get(base + "/kv/bin%FF%01").body()).isEqualTo(value);
        assertThat(range("?gte=bin&lt=bio")).containsExactly(Map.of(
            "keyBase64", Base64.getEncoder().encodeToString(new byte[]{'b', 'i', 'n', (byte)0xFF, 1}),
            "valueBase64", Base64.getEncoder().encodeToString(value)));
    }

    /** Jetty refuses a zero byte in a path; such keys are reached with a batch and ranges. */
    @Test
    void aZeroByteKeyIsWrittenByBatchAndReadByRange() {
        final String key = Base64.getEncoder().encodeToString(new byte[]{'z', 'e', 'r', 'o', 0});
        assertThat(Http.post(base + "/batch", "[{\"type\": \"put\", \"keyBase64\": \"" + key
            + "\", \"value\": \"v\"}]").status()).isEqualTo(204);

        assertThat(range("?gte=zero&lt=zerp")).containsExactly(Map.of("key", "zero\0", "value", "v"));
        final Http.Reply path = Http.get(base + "/kv/zero%00");
        assertThat(path.status()).isEqualTo(400);
        assertThat((String)json(path).get("error")).contains("no %00 in the path");
    }

    @Test
    void aRangeHonoursBoundsLimitOrderAndHalves() {
        for (String key : List.of("r-a", "r-b", "r-c", "r-d", "r-e")) {
            Http.put(base + "/kv/" + key, "value-" + key);
        }

        assertThat(keys(range("?gte=r-b&lt=r-e"))).containsExactly("r-b", "r-c", "r-d");
        assertThat(keys(range("?gt=r-b&lte=r-e"))).containsExactly("r-c", "r-d", "r-e");
        assertThat(keys(range("?gte=r-&lt=r.&reverse=true&limit=2"))).containsExactly("r-e", "r-d");
        assertThat(range("?gte=r-a&lte=r-a&values=false")).containsExactly(Map.of("key", "r-a"));
        assertThat(range("?gte=r-a&lte=r-a&keys=false")).containsExactly(Map.of("value", "value-r-a"));
        assertThat(range("?gte=r-a&lte=r-b&consistency=local")).hasSize(2);
    }

    @Test
    void aRangeSaysWhetherMoreEntriesFollowTheLimit() {
        for (String key : List.of("t-1", "t-2", "t-3")) {
            Http.put(base + "/kv/" + key, "v");
        }

        final Map<?, ?> cut = json(Http.get(base + "/kv?gte=t-&lt=t.&limit=2"));
        final Map<?, ?> whole = json(Http.get(base + "/kv?gte=t-&lt=t.&limit=3"));

        assertThat(cut.get("count")).isEqualTo(2L);
        assertThat(cut.get("truncated")).isEqualTo(true);
        assertThat(whole.get("count")).isEqualTo(3L);
        assertThat(whole.get("truncated")).isEqualTo(false);
    }

    @Test
    void aBatchAppliesPutsAndDeletesTogether() {
        Http.put(base + "/kv/b-old", "x");
        final String batch = "[{\"type\": \"put\", \"key\": \"b-1\", \"value\": \"one\"},"
            + " {\"type\": \"put\", \"keyBase64\": \"Yi0y\", \"valueBase64\": \"dHdv\"},"
            + " {\"type\": \"del\", \"key\": \"b-old\"}]";

        assertThat(Http.post(base + "/batch", batch).status()).isEqualTo(204);

        assertThat(range("?gte=b-&lt=b.")).containsExactly(Map.of("key", "b-1", "value", "one"),
            Map.of("key", "b-2", "value", "two"));
        assertThat(Http.post(base + "/batch", "[]").status()).isEqualTo(204);
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        "GET    | /kv?limit=abc                | parameter 'limit' is 'abc': expected an integer from 0 to 10000",
        "GET    | /kv?limit=-1                 | parameter 'limit' is '-1'",
        "GET    | /kv?limit=10001              | expected an integer from 0 to 10000",
        "GET    | /kv?gt=a&gte=b               | gt and gte both bound the range from below",
        "GET    | /kv?lt=a&lte=b               | lt and lte both bound the range from above",
        "GET    | /kv?keys=false&values=false  | select nothing",
        "GET    | /kv?reverse=maybe            | parameter 'reverse' is 'maybe': expected true or false",
        "GET    | /kv?limt=5                   | unknown query parameter 'limt'",
        "GET    | /kv?limit=1&limit=2          | query parameter 'limit' is given twice",
        "GET    | /kv/k?consistency=eventual   | is unknown: expected linearizable (the default), lease or local",
        "GET    | /kv/                         | the key is empty",
        "DELETE | /members/not-an-address      | invalid address '/not-an-address'",
        "POST   | /members                     | invalid address",
    })
    void malformedRequestsAre400WithAMessage(String method, String path, String message) {
        final Http.Reply reply = Http.send(method, base + path, "POST".equals(method) ? "nowhere".getBytes(
            StandardCharsets.UTF_8) : null);

        assertThat(reply.status()).as("%s", reply).isEqualTo(400);
        assertThat((String)json(reply).get("error")).contains(message);
        assertThat(json(reply).get("status")).isEqualTo(400L);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "not json                                         | malformed JSON at offset 0",
        "{\"type\": \"put\"}                              | the batch must be a JSON array",
        "[1]                                              | operation 0 must be an object",
        "[{\"type\": \"upsert\", \"key\": \"k\"}]         | operation 0 has type \"upsert\": expected \"put\"",
        "[{\"type\": \"put\", \"value\": \"v\"}]          | operation 0 has no 'key'",
        "[{\"type\": \"put\", \"key\": \"\", \"value\": \"v\"}] | operation 0 has an empty key",
        "[{\"type\": \"put\", \"key\": \"k\"}]            | operation 0 is a put without a 'value'",
        "[{\"type\": \"del\", \"key\": \"k\", \"value\": \"v\"}] | operation 0 is a del with a 'value'",
        "[{\"type\": \"put\", \"key\": \"k\", \"value\": 5}] | 'value' must be a string",
        "[{\"type\": \"put\", \"key\": \"k\", \"keyBase64\": \"aw==\", \"value\": \"v\"}] | both 'key' and 'keyBase64'",
        "[{\"type\": \"put\", \"keyBase64\": \"***\", \"value\": \"v\"}] | 'keyBase64' is not base64",
        "[{\"type\": \"put\", \"key\": \"k\", \"value\": \"v\", \"ttl\": 5}] | unknown field 'ttl'",
        "[{\"type\": \"put\", \"key\": \"k\", \"value\": \"v\"}, {\"type\": \"upsert\", \"key\": \"k\"}] | operation 1",
        "[1e999]                                          | operation 0 must be an object, got 1E+999",
        "[-1e-999]                                        | operation 0 must be an object",
        "[{\"type\": \"put\", \"key\": 1e999, \"value\": \"v\"}] | 'key' must be a string",
        "[{\"type\": \"put\", \"key\": \"\\udc00\", \"value\": \"v\"}] | 'key' holds a lone surrogate",
    })
    void malformedBatchesAre400WithAMessageAndApplyNothing(String batch, String message) {
        final Http.Reply reply = Http.post(base + "/batch", batch);

        assertThat(reply.status()).as("%s", reply).isEqualTo(400);
        assertThat((String)json(reply).get("error")).contains(message);
        assertThat(Http.get(base + "/kv/k").status()).isEqualTo(404);
    }

    @Test
    void batchesOverTheJsonBoundsAre400() {
        // The 100,000 digits of the issue would be over this gateway's 16 KiB batch limit (413), not the JSON's.
        final Http.Reply longNumber = Http.post(base + "/batch", "[" + "9".repeat(10_000) + "]");
        final Http.Reply deep = Http.post(base + "/batch", "[".repeat(1000) + "]".repeat(1000));

        assertThat(longNumber.status()).as("%s", longNumber).isEqualTo(400);
        assertThat((String)json(longNumber).get("error")).contains("Number value length (10000) exceeds the maximum");
        assertThat(deep.status()).as("%s", deep).isEqualTo(400);
        assertThat((String)json(deep).get("error")).contains("nesting depth");
    }

    @Test
    void aBatchThatIsNotUtf8Is400() {
        final Http.Reply reply = Http.send("POST", base + "/batch", new byte[]{'[', (byte)0xFF, ']'});

        assertThat(reply.status()).isEqualTo(400);
        assertThat((String)json(reply).get("error")).contains("not UTF-8");
    }

    @Test
    void malformedEscapesInTheRequestLineAre400WithTheGatewaysJsonError() throws IOException {
        for (String target : List.of("/kv/bad%2", "/kv/bad%zz", "/kv?gte=%zz")) {
            try (Socket socket = new Socket("127.0.0.1", gateway.address().getPort())) {
                socket.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: test\r\nConnection: close"
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                final String[] response = new String(socket.getInputStream().readAllBytes(),
                    StandardCharsets.US_ASCII).split("\r\n\r\n", 2);

                assertThat(response[0]).as(target).startsWith("HTTP/1.1 400")
                    .containsIgnoringCase("Content-Type: application/json");
                final Map<?, ?> error = (Map<?, ?>)Json.parse(response[1]);
                assertThat(error.get("status")).isEqualTo(400L);
                assertThat((String)error.get("error")).as(target).contains("two hex digits");
            }
        }
    }

    @Test
    void oversizedRequestsAre413() {
        final String tooLong = "x".repeat(MAX_COMMAND_BYTES);
        final String justFits = "x".repeat(MAX_COMMAND_BYTES - 4);

        final Http.Reply value = Http.put(base + "/kv/big", tooLong);
        final Http.Reply key = Http.put(base + "/kv/" + tooLong, "v");
        final Http.Reply encoded = Http.put(base + "/kv/big", justFits);
        // 28 bytes of JSON per operation.
        final Http.Reply batch = Http.post(base + "/batch", "[" + ("{\"type\": \"del\", \"key\": \"k\"},")
            .repeat(KvRoutes.BATCH_BODY_FACTOR * MAX_COMMAND_BYTES / 20) + "{\"type\": \"del\", \"key\": \"k\"}]");
        final Http.Reply encodedBatch = Http.post(base + "/batch", "[{\"type\": \"put\", \"key\": \"big\", "
            + "\"value\": \"" + justFits + "\"}]");

        assertThat(value.status()).as("%s", value).isEqualTo(413);
        assertThat((String)json(value).get("error")).contains("too large").contains("maxCommandBytes");
        assertThat(key.status()).as("%s", key).isEqualTo(413);
        // Within the body limit, but the command with its key and encoding is over the node's limit.
        assertThat(encoded.status()).as("%s", encoded).isEqualTo(413);
        assertThat((String)json(encoded).get("error")).contains("maxCommandBytes");
        assertThat(batch.status()).as("%s", batch).isEqualTo(413);
        assertThat(encodedBatch.status()).as("%s", encodedBatch).isEqualTo(413);
        assertThat(Http.get(base + "/kv/big").status()).isEqualTo(404);
    }

    /**
     * A put travels as a command of its key and value plus {@link #PUT_COMMAND_OVERHEAD} bytes, and the README
     * states the limit that follows: key and value together at most maxCommandBytes - 9 bytes.
     */
    @Test
    void aPutIsRefusedExactlyWhenKeyAndValueExceedMaxCommandBytesLessTheCommandsNineBytes() {
        final int largestValue = MAX_COMMAND_BYTES - PUT_COMMAND_OVERHEAD - 1;

        final Http.Reply fits = Http.put(base + "/kv/b", "x".repeat(largestValue));
        final Http.Reply over = Http.put(base + "/kv/c", "x".repeat(largestValue + 1));

        assertThat(fits.status()).as("%s", fits).isEqualTo(204);
        assertThat(over.status()).as("%s", over).isEqualTo(413);
        assertThat((String)json(over).get("error")).contains("exceeds maxCommandBytes (" + MAX_COMMAND_BYTES + ")");
        Http.delete(base + "/kv/b");
    }

    /**
     * The JDK server drains only 64 KiB of a body the handler left unread, then closes the connection with the
     * rest unread, which resets it and can destroy the 413 before the client reads it. A connection that still
     * answers the next request shows the whole body was read.
     */
    @Test
    void aRefusedBodyLargerThanTheServerDrainsIsReadToItsEndAndTheConnectionStaysUsable() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", gateway.address().getPort())) {
            socket.setSoTimeout(10_000);
            final var out = socket.getOutputStream();
            final var in = new java.io.BufferedInputStream(socket.getInputStream());
            final byte[] body = new byte[96 * 1024];

            out.write(("PUT /kv/big HTTP/1.1\r\nHost: test\r\nContent-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            final String refused = readResponse(in);
            out.write("GET /status HTTP/1.1\r\nHost: test\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            final String next = readResponse(in);

            assertThat(refused).startsWith("HTTP/1.1 413");
            assertThat(next).startsWith("HTTP/1.1 200");
        }
    }

    /** @return status line and headers of one response whose body length is given, after reading its body. */
    private static String readResponse(java.io.InputStream in) throws IOException {
        final StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            final int next = in.read();
            if (next < 0) {
                throw new IOException("connection closed after: " + head);
            }
            head.append((char)next);
        }
        final var length = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
        in.readNBytes(length.find() ? Integer.parseInt(length.group(1)) : 0);
        return head.toString();
    }

    @Test
    void unknownRoutesAre404AndWrongMethods405WithAllow() {
        final Http.Reply unknown = Http.get(base + "/nothing-here");
        final Http.Reply kvPrefix = Http.get(base + "/kvx");
        final Http.Reply postKey = Http.post(base + "/kv/k", "v");
        final Http.Reply putStatus = Http.put(base + "/status", "");
        final Http.Reply deleteMembers = Http.delete(base + "/members");

        assertThat(unknown.status()).isEqualTo(404);
        assertThat((String)json(unknown).get("error")).contains("no route GET /nothing-here");
        assertThat(kvPrefix.status()).isEqualTo(404);
        assertThat(postKey.status()).isEqualTo(405);
        assertThat(postKey.allow()).isEqualTo("GET, PUT, DELETE");
        assertThat(putStatus.status()).isEqualTo(405);
        assertThat(putStatus.allow()).isEqualTo("GET");
        assertThat(deleteMembers.status()).isEqualTo(405);
        assertThat(deleteMembers.allow()).isEqualTo("GET, POST");
    }

    @Test
    void statusNamesTheNodeItsRoleTermLeaderIndicesAndMembers() {
        Http.put(base + "/kv/status-probe", "x");

        final Map<?, ?> status = json(Http.get(base + "/status"));

        assertThat(status.get("address")).isEqualTo(node.address().toString());
        assertThat(status.get("role")).isEqualTo("LEADER");
        assertThat(status.get("term")).isEqualTo(node.term());
        assertThat(status.get("leader")).isEqualTo(node.address().toString());
        assertThat((Long)status.get("commitIndex")).isPositive();
        assertThat((Long)status.get("appliedIndex")).isPositive();
        assertThat(status.get("firstIndex")).isInstanceOf(Long.class);
        assertThat((Long)status.get("lastIndex")).isGreaterThanOrEqualTo((Long)status.get("commitIndex"));
        final List<?> members = (List<?>)status.get("members");
        assertThat(members).singleElement().satisfies(member -> {
            assertThat(((Map<?, ?>)member).get("address")).isEqualTo(node.address().toString());
            assertThat(((Map<?, ?>)member).get("role")).isEqualTo("LEADER");
        });
        assertThat((List<?>)json(Http.get(base + "/members")).get("members")).singleElement()
            .satisfies(member -> assertThat(((Map<?, ?>)member).get("address")).isEqualTo(node.address().toString()));
    }

    @Test
    void metricsHaveHelpAndTypeForEveryStatsCounter() {
        Http.put(base + "/kv/metrics-probe", "x");

        final Http.Reply reply = Http.get(base + "/metrics");

        assertThat(reply.contentType()).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
        final Set<String> described = new HashSet<>();
        final Set<String> typed = new HashSet<>();
        final List<String> samples = new ArrayList<>();
        for (String line : reply.text().split("\n")) {
            if (line.startsWith("# HELP ")) {
                described.add(line.split(" ")[2]);
            } else if (line.startsWith("# TYPE ")) {
                typed.add(line.split(" ")[2]);
                assertThat(line.split(" ")[3]).isIn("counter", "gauge");
            } else {
                assertThat(line).matches("[a-z_]+(\\{[a-z]+=\"[A-Za-z_]+\"})? [0-9]+");
                samples.add(line.replaceAll("[{ ].*", ""));
            }
        }
        assertThat(described).containsAll(samples);
        assertThat(typed).containsAll(samples);
        for (String counter : node.stats().counters().keySet()) {
            assertThat(samples).contains("skiff_" + MetricsRoute.snakeCase(counter) + "_total");
        }
        assertThat(samples).contains("skiff_messages_sent_total", "skiff_rpcs_sent_total", "skiff_term",
            "skiff_commit_index", "skiff_applied_index", "skiff_role");
        assertThat(reply.text()).contains("skiff_role{role=\"LEADER\"} 1", "skiff_role{role=\"FOLLOWER\"} 0",
            "skiff_rpcs_sent_total{type=\"AppendEntries\"}", "skiff_transport_frames_sent_total");
    }

    private static List<Object> range(String query) {
        final Http.Reply reply = Http.get(base + "/kv" + query);
        assertThat(reply.status()).as("%s", reply).isEqualTo(200);
        @SuppressWarnings("unchecked")
        final List<Object> entries = (List<Object>)json(reply).get("entries");
        return entries;
    }

    private static List<Object> keys(List<Object> entries) {
        final List<Object> keys = new ArrayList<>();
        entries.forEach(entry -> keys.add(((Map<?, ?>)entry).get("key")));
        return keys;
    }

    private static Map<?, ?> json(Http.Reply reply) {
        return (Map<?, ?>)Json.parse(reply.text());
    }
}
