package io.skiff.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A curl for tests: one request, the status and body back, nothing thrown for error statuses. */
public final class Http {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Http() {
    }

    /** An answer. */
    public record Reply(int status, byte[] body, String contentType, String allow) {
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return status + " " + text();
        }
    }

    public static Reply get(String url) {
        return send("GET", url, null);
    }

    public static Reply put(String url, String body) {
        return send("PUT", url, body.getBytes(StandardCharsets.UTF_8));
    }

    public static Reply post(String url, String body) {
        return send("POST", url, body.getBytes(StandardCharsets.UTF_8));
    }

    public static Reply delete(String url) {
        return send("DELETE", url, null);
    }

    public static Reply send(String method, String url, byte[] body) {
        final HttpRequest request = HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(30))
            .method(method, null == body ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
        try {
            final HttpResponse<byte[]> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofByteArray());
            return new Reply(response.statusCode(), response.body(),
                response.headers().firstValue("Content-Type").orElse(null),
                response.headers().firstValue("Allow").orElse(null));
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + url + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
