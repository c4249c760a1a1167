package io.skiff.cli.client;

import io.skiff.cli.CliException;
import io.skiff.cli.ExitCodes;
import io.skiff.cli.json.Json;
import io.skiff.cli.json.JsonException;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/** A client of one node's HTTP gateway, mapping what can go wrong to the CLI's exit codes. */
final class GatewayClient {
    private final URI base;
    private final Duration timeout;
    private final HttpClient http;

    GatewayClient(URI base, Duration timeout) {
        this.base = base;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /**
     * Sends one request.
     *
     * @param method        the HTTP method.
     * @param pathAndQuery  the path and query, already percent-encoded.
     * @param body          the body, or {@code null} for none.
     * @return the answer, whatever its status.
     * @throws CliException {@link ExitCodes#UNREACHABLE} when the gateway cannot be reached or does not answer.
     */
    Reply send(String method, String pathAndQuery, byte[] body) {
        final HttpRequest request = HttpRequest.newBuilder(URI.create(base + pathAndQuery))
            .timeout(timeout)
            .method(method, null == body ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
        try {
            final HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            return new Reply(response.statusCode(), response.body());
        } catch (HttpTimeoutException e) {
            throw new CliException(ExitCodes.UNREACHABLE, "the node at " + base + " did not answer within "
                + timeout.toMillis() + " ms");
        } catch (IOException e) {
            throw new CliException(ExitCodes.UNREACHABLE, "cannot reach the node at " + base + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.FAILED, "interrupted while waiting for " + base);
        }
    }

    /**
     * Percent-encodes every byte but the unreserved characters of RFC 3986, so that any key, slashes and all, is one
     * path segment.
     */
    static String encode(byte[] bytes) {
        final StringBuilder out = new StringBuilder(bytes.length * 3);
        for (byte b : bytes) {
            final int c = b & 0xFF;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
                || c == '_' || c == '~') {
                out.append((char)c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                    .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return out.toString();
    }

    static String encode(String text) {
        return encode(text.getBytes(StandardCharsets.UTF_8));
    }

    /** An answer: its status and body. */
    record Reply(int status, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** @return the body as a JSON object, for successful JSON answers. */
        @SuppressWarnings("unchecked")
        Map<String, Object> json() {
            try {
                final Object value = Json.parse(text());
                if (value instanceof Map) {
                    return (Map<String, Object>)value;
                }
            } catch (JsonException e) {
                throw new CliException(ExitCodes.FAILED, "the node's answer is not JSON: " + e.getMessage());
            }
            throw new CliException(ExitCodes.FAILED, "the node's answer is not a JSON object: " + text());
        }

        /**
         * @return this answer when its status is 2xx.
         * @throws CliException {@link ExitCodes#FAILED} with the node's error message otherwise.
         */
        Reply requireSuccess() {
            if (status >= 200 && status < 300) {
                return this;
            }
            throw new CliException(ExitCodes.FAILED, "the node answered " + status + ": " + errorMessage());
        }

        /** @return the {@code error} of a JSON error body, noting an unknown outcome; else the body's text. */
        String errorMessage() {
            try {
                final Object value = Json.parse(text());
                if (value instanceof Map && ((Map<?, ?>)value).get("error") instanceof String) {
                    final Map<?, ?> error = (Map<?, ?>)value;
                    final StringBuilder message = new StringBuilder((String)error.get("error"));
                    if (Boolean.TRUE.equals(error.get("outcomeUnknown"))) {
                        message.append(" (the write may still be applied)");
                    }
                    return message.toString();
                }
            } catch (JsonException notJson) {
                // Answered below with the raw text.
            }
            return text().isBlank() ? "(no message)" : text().strip();
        }
    }
}
