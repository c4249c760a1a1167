package io.skiff.faults;

import io.skiff.testkit.check.Operation;
import io.skiff.testkit.check.Outcome;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

/**
 * A client of the nodes' HTTP gateways, as an application uses them: the key-value operations of the checker's model
 * (get, put, del, batch) with what each answer tells about its effect, and the status and membership routes.
 *
 * <p>A write answered 2xx took effect; one refused with 503 (no leader reachable) did not, unless the answer says
 * {@code "outcomeUnknown": true}; a 504 or 500 may have, unless it says {@code "outcomeUnknown": false}; a timeout,
 * a refused or dropped connection may have. A read that fails constrains nothing, so it is recorded as failed.
 * Every request is bounded by the timeout given at construction.
 */
public final class Gateway {
    private static final Pattern OUTCOME_UNKNOWN = Pattern.compile("\"outcomeUnknown\"\\s*:\\s*true");
    private static final Pattern OUTCOME_KNOWN = Pattern.compile("\"outcomeUnknown\"\\s*:\\s*false");

    private final HttpClient client;
    private final Duration timeout;
    private final AtomicLong unexpectedAnswers = new AtomicLong();
    private final AtomicReference<String> firstUnexpected = new AtomicReference<>();

    /** @param timeout bound of every request, from sending to the whole answer. */
    public Gateway(Duration timeout) {
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(timeout).build();
        this.timeout = timeout;
    }

    /** One answer: the status, or -1 when no answer came (timeout, refused or dropped connection). */
    record Reply(int status, String body) {
        boolean answered() {
            return status > 0;
        }
    }

    /**
     * @param member    the node whose gateway is asked.
     * @param operation a get, put, del or batch of puts and dels.
     * @return what the answer says of the operation's effect.
     */
    public Outcome execute(Member member, Operation operation) {
        final Reply reply = request(member, operation);
        if (reply.answered() && reply.status() >= 400 && reply.status() < 500 && 404 != reply.status()) {
            // A well-formed request refused as malformed: the gateway broke its contract, whatever the cluster did.
            unexpectedAnswers.incrementAndGet();
            firstUnexpected.compareAndSet(null, operation + " on " + member + ": " + reply);
        }
        if (Operation.Kind.GET != operation.kind()) {
            return writeOutcome(reply);
        }
        if (200 == reply.status()) {
            return Outcome.ok(reply.body());
        }
        return 404 == reply.status() ? Outcome.ok((String)null) : Outcome.fail();
    }

    private Reply request(Member member, Operation operation) {
        switch (operation.kind()) {
            case GET:
                return send(member, "GET", "/kv/" + encode(operation.key()), null);
            case PUT:
                return send(member, "PUT", "/kv/" + encode(operation.key()), operation.value());
            case DEL:
                return send(member, "DELETE", "/kv/" + encode(operation.key()), null);
            case BATCH:
                return send(member, "POST", "/batch", batchJson(operation));
            default:
                throw new IllegalArgumentException("the gateway has no route for " + operation
                    + ": expected a get, put, del or batch");
        }
    }

    /** @return key-value requests answered 4xx other than 404: none is expected, every request is well formed. */
    public long unexpectedAnswers() {
        return unexpectedAnswers.get();
    }

    /** @return the first such answer, for the report, or {@code null}. */
    public String firstUnexpected() {
        return firstUnexpected.get();
    }

    private static Outcome writeOutcome(Reply reply) {
        if (reply.status() >= 200 && reply.status() < 300) {
            return Outcome.ok();
        }
        if (!reply.answered()) {
            return Outcome.unknown();
        }
        if (reply.status() < 500) {
            return Outcome.fail();
        }
        if (503 == reply.status()) {
            return OUTCOME_UNKNOWN.matcher(reply.body()).find() ? Outcome.unknown() : Outcome.fail();
        }
        return OUTCOME_KNOWN.matcher(reply.body()).find() ? Outcome.fail() : Outcome.unknown();
    }

    /** @return the node's status, or {@code null} when it did not answer 200 in time. */
    public NodeStatus status(Member member) {
        final Reply reply = send(member, "GET", "/status", null);
        return 200 == reply.status() ? NodeStatus.parse(reply.body()) : null;
    }

    /** @return the value the node holds for a key, read locally (no consensus); {@code null} when absent. */
    String localValue(Member member, String key) {
        final Reply reply = send(member, "GET", "/kv/" + encode(key) + "?consistency=local", null);
        if (200 == reply.status() || 404 == reply.status()) {
            return 200 == reply.status() ? reply.body() : null;
        }
        throw new IllegalStateException("local read of " + key + " on " + member + " answered " + reply);
    }

    Reply leave(Member via, Member leaving) {
        return send(via, "DELETE", "/members/" + encode(leaving.address()), null);
    }

    Reply join(Member via, Member joining) {
        return send(via, "POST", "/members", joining.address());
    }

    Reply send(Member member, String method, String path, String body) {
        final HttpRequest request = HttpRequest.newBuilder(URI.create(member.url() + path)).timeout(timeout)
            .method(method, null == body ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
            .build();
        try {
            final HttpResponse<String> response = client.send(request,
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Reply(response.statusCode(), response.body());
        } catch (IOException e) {
            return new Reply(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Reply(-1, "interrupted");
        }
    }

    private static String batchJson(Operation batch) {
        final StringBuilder json = new StringBuilder("[");
        for (Operation write : batch.writes()) {
            json.append(json.length() > 1 ? ", " : "").append("{\"type\": \"")
                .append(Operation.Kind.PUT == write.kind() ? "put" : "del").append("\", \"key\": \"")
                .append(write.key()).append('"');
            if (Operation.Kind.PUT == write.kind()) {
                json.append(", \"value\": \"").append(write.value()).append('"');
            }
            json.append('}');
        }
        return json.append(']').toString();
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
