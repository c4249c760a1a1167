package io.skiff.cli.gateway;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request the gateway answers with an error: the status and a JSON body {@code {"error": message, "status": n,
 * ...}} with any further fields, such as the known leader or whether a write's outcome is unknown.
 */
final class GatewayError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final transient Map<String, Object> fields;
    private final transient Map<String, String> headers;

    GatewayError(int status, String message) {
        this(status, message, Map.of(), Map.of());
    }

    GatewayError(int status, String message, Map<String, Object> fields) {
        this(status, message, fields, Map.of());
    }

    GatewayError(int status, String message, Map<String, Object> fields, Map<String, String> headers) {
        super(message);
        this.status = status;
        this.fields = fields;
        this.headers = headers;
    }

    static GatewayError badRequest(String message) {
        return new GatewayError(400, message);
    }

    Response toResponse() {
        final Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", getMessage());
        body.put("status", status);
        body.putAll(fields);
        final Response json = Response.json(status, body);
        return new Response(status, json.contentType(), json.body(), headers);
    }
}
