package io.skiff.cli.gateway;

import io.skiff.cli.json.Json;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One answer of the gateway.
 *
 * @param status      the HTTP status.
 * @param contentType the body's media type, or {@code null} without a body.
 * @param body        the body, empty for none.
 * @param headers     further headers, such as {@code Allow}.
 */
record Response(int status, String contentType, byte[] body, Map<String, String> headers) {
    static final String JSON = "application/json; charset=utf-8";
    static final String OCTETS = "application/octet-stream";
    /** Prometheus's text exposition format, version 0.0.4. */
    static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";

    static Response json(int status, Object value) {
        return new Response(status, JSON, (Json.write(value) + "\n").getBytes(StandardCharsets.UTF_8), Map.of());
    }

    static Response octets(byte[] body) {
        return new Response(200, OCTETS, body, Map.of());
    }

    static Response text(String contentType, String body) {
        return new Response(200, contentType, body.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    static Response noContent() {
        return new Response(204, null, new byte[0], Map.of());
    }
}
