package io.skiff.cli.gateway;

import io.skiff.Skiff;
import io.skiff.SkiffNode;
import io.skiff.SkiffOptions;
import io.skiff.cli.Http;
import io.skiff.cli.Ports;
import io.skiff.cli.json.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the gateway answers when the cluster cannot: no leader within the node's retries (503 naming the known
 * leader), no answer within the gateway's own timeout (504 with the outcome), a node that does not run (503), more
 * requests than it takes on (503 saying it is busy, the gateway still serving).
 */
class GatewayFailureTest {
    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
    }

    @Test
    void withoutAReachableLeaderWritesAndReadsAre503NamingNoLeader() throws Exception {
        // Its two peers never start, so it can never win an election; one quick retry gives up fast.
        final SkiffNode node = leaderless(SkiffOptions.builder().clientMaxRetries(0)
            .clientRetryRpcTimeout(Duration.ofMillis(50)));
        final String base = serve(node, Duration.ofSeconds(10));

        final Http.Reply write = Http.put(base + "/kv/k", "v");
        final Http.Reply read = Http.get(base + "/kv/k");

        for (Http.Reply reply : List.of(write, read)) {
            assertThat(reply.status()).as("%s", reply).isEqualTo(503);
            final Map<?, ?> error = (Map<?, ?>)Json.parse(reply.text());
            assertThat(error.containsKey("leader")).isTrue();
            assertThat(error.get("leader")).isNull();
            assertThat((String)error.get("error")).contains("no leader");
        }
    }

    @Test
    void aRequestThatOutlivesTheGatewaysTimeoutIs504SayingWhetherAWriteMayStillApply() throws Exception {
        // The node keeps retrying for about two seconds; the gateway gives up after a tenth of one.
        final SkiffNode node = leaderless(SkiffOptions.builder());
        final String base = serve(node, Duration.ofMillis(100));

        final Http.Reply write = Http.put(base + "/kv/k", "v");
        final Http.Reply read = Http.get(base + "/kv/k");

        assertThat(write.status()).as("%s", write).isEqualTo(504);
        assertThat(Json.parse(write.text())).isEqualTo(Map.of("error", "the node did not answer within 100 ms; the "
            + "write may still be applied", "status", 504L, "outcomeUnknown", true));
        assertThat(read.status()).as("%s", read).isEqualTo(504);
        assertThat(((Map<?, ?>)Json.parse(read.text())).get("outcomeUnknown")).isEqualTo(false);
    }

    @Test
    void statusOfANodeWithoutLeaderStillAnswersAndSaysWhyMembersAreMissing() throws Exception {
        final SkiffNode node = leaderless(SkiffOptions.builder().clientMaxRetries(0)
            .clientRetryRpcTimeout(Duration.ofMillis(50)));
        final String base = serve(node, Duration.ofSeconds(10));

        final Http.Reply reply = Http.get(base + "/status");

        assertThat(reply.status()).isEqualTo(200);
        final Map<?, ?> status = (Map<?, ?>)Json.parse(reply.text());
        assertThat(status.get("role")).isNotEqualTo("LEADER");
        assertThat(status.get("leader")).isNull();
        assertThat(status.get("members")).isNull();
        assertThat((String)status.get("membersError")).isNotBlank();
    }

    @Test
    void aNodeThatIsNotRunningIs503() throws Exception {
        final SkiffNode node = Skiff.node("/ip4/127.0.0.1/udp/" + Ports.freeUdp(), SkiffOptions.defaults());
        final String base = serve(node, Duration.ofSeconds(10));

        final Http.Reply reply = Http.put(base + "/kv/k", "v");

        assertThat(reply.status()).isEqualTo(503);
        assertThat((String)((Map<?, ?>)Json.parse(reply.text())).get("error")).contains("is not running");
    }

    @Test
    void whenThreadsAndQueueAreFullFurtherRequestsAre503BusyAndTheGatewayKeepsServing() throws Exception {
        // Each write holds the gateway's one thread for the node's retries (about two seconds); one more may wait.
        final SkiffNode node = leaderless(SkiffOptions.builder());
        final HttpGateway gateway = HttpGateway.start(node, new GatewayOptions(new InetSocketAddress("127.0.0.1", 0),
            1, 1, Duration.ofSeconds(10), SkiffOptions.DEFAULT_MAX_COMMAND_BYTES));
        opened.add(gateway);
        final String base = "http://127.0.0.1:" + gateway.address().getPort();
        final HttpClient client = HttpClient.newHttpClient();

        final List<CompletableFuture<HttpResponse<String>>> replies = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            replies.add(client.sendAsync(HttpRequest.newBuilder(URI.create(base + "/kv/k" + i))
                .PUT(HttpRequest.BodyPublishers.ofString("v")).build(), HttpResponse.BodyHandlers.ofString()));
        }
        final List<String> errors = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> reply : replies) {
            final HttpResponse<String> response = reply.get(30, TimeUnit.SECONDS);
            assertThat(response.statusCode()).as("%s %s", response.headers(), response.body()).isEqualTo(503);
            errors.add((String)((Map<?, ?>)Json.parse(response.body())).get("error"));
        }

        // One served and one queued reach the node, which has no leader; the others are refused at once.
        assertThat(errors.stream().filter(error -> error.contains("the gateway is busy")).count()).as("%s", errors)
            .isBetween(1L, 4L);
        assertThat(errors.stream().filter(error -> error.contains("no leader")).count()).isGreaterThanOrEqualTo(2);
        assertThat(Http.get(base + "/status").status()).isEqualTo(200);
    }

    private SkiffNode leaderless(SkiffOptions.Builder options) throws Exception {
        final SkiffNode node = Skiff.node("/ip4/127.0.0.1/udp/" + Ports.freeUdp(), options
            .peers("/ip4/127.0.0.1/udp/" + Ports.freeUdp(), "/ip4/127.0.0.1/udp/" + Ports.freeUdp()).build());
        opened.add(node);
        node.start().get(30, TimeUnit.SECONDS);
        return node;
    }

    private String serve(SkiffNode node, Duration requestTimeout) throws IOException {
        final HttpGateway gateway = HttpGateway.start(node, new GatewayOptions(new InetSocketAddress("127.0.0.1", 0),
            2, 16, requestTimeout, SkiffOptions.DEFAULT_MAX_COMMAND_BYTES));
        opened.add(gateway);
        return "http://127.0.0.1:" + gateway.address().getPort();
    }
}
