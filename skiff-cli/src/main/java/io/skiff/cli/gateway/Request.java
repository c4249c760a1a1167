package io.skiff.cli.gateway;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One request as the routes see it: method, raw path, decoded query parameters and a body read within a limit.
 * Every accessor validates and answers a malformed request with a {@link GatewayError} that says what was wrong.
 */
final class Request {
    /** The most of a refused body read before answering 413; beyond it the connection is reset instead. */
    private static final long MAX_DISCARDED_BYTES = 1 << 20;

    final String method;
    /** The path as sent, still percent-encoded, so that an encoded {@code /} in a key is not a separator. */
    final String rawPath;
    private final org.eclipse.jetty.server.Request exchange;
    private final Runnable bodyRead;
    private final Map<String, byte[]> parameters;

    private Request(org.eclipse.jetty.server.Request exchange, Runnable bodyRead) {
        this.exchange = exchange;
        this.bodyRead = bodyRead;
        this.method = exchange.getMethod();
        this.rawPath = exchange.getHttpURI().getPath();
        this.parameters = parseQuery(exchange.getHttpURI().getQuery());
    }

    /**
     * @param exchange the request as Jetty has it.
     * @param bodyRead called once the body is read, which ends its read deadline.
     * @return the request.
     * @throws GatewayError 400 for a malformed query.
     */
    static Request of(org.eclipse.jetty.server.Request exchange, Runnable bodyRead) {
        return new Request(exchange, bodyRead);
    }

    /** @return whether the request announces a body: a positive Content-Length or a chunked one. */
    static boolean hasBody(org.eclipse.jetty.server.Request exchange) {
        return exchange.getLength() > 0 || exchange.getHeaders().contains(HttpHeader.TRANSFER_ENCODING);
    }

    /**
     * Refuses parameters the route does not know, so that a misspelt one ({@code limt=5}) is not silently ignored.
     *
     * @param known the parameters the route reads.
     */
    void acceptOnly(String... known) {
        final List<String> allowed = Arrays.asList(known);
        for (String name : parameters.keySet()) {
            if (!allowed.contains(name)) {
                throw GatewayError.badRequest("unknown query parameter '" + name + "'; expected "
                    + (allowed.isEmpty() ? "none" : "one of " + String.join(", ", allowed)));
            }
        }
    }

    Optional<byte[]> bytes(String name) {
        return Optional.ofNullable(parameters.get(name));
    }

    boolean flag(String name, boolean absent) {
        final byte[] value = parameters.get(name);
        if (null == value) {
            return absent;
        }
        final String text = new String(value, StandardCharsets.UTF_8);
        switch (text) {
            case "":
            case "true":
            case "1":
                return true;
            case "false":
            case "0":
                return false;
            default:
                throw GatewayError.badRequest("parameter '" + name + "' is '" + text + "': expected true or false");
        }
    }

    int integer(String name, int absent, int min, int max) {
        final byte[] value = parameters.get(name);
        if (null == value) {
            return absent;
        }
        final String text = new String(value, StandardCharsets.UTF_8);
        try {
            final int number = Integer.parseInt(text);
            if (number >= min && number <= max) {
                return number;
            }
        } catch (NumberFormatException notANumber) {
            // Answered below with the accepted range.
        }
        throw GatewayError.badRequest("parameter '" + name + "' is '" + text + "': expected an integer from " + min
            + " to " + max);
    }

    Optional<String> text(String name) {
        return bytes(name).map(value -> new String(value, StandardCharsets.UTF_8));
    }

    /**
     * Reads the whole body.
     *
     * @param limit the most bytes accepted.
     * @param what  what the body is, for the message.
     * @return the body.
     * @throws GatewayError 413 when the body is longer than the limit.
     */
    byte[] body(int limit, String what) {
        // Jetty has checked that a Content-Length is a number; -1 when there is none (chunked).
        final long declared = exchange.getLength();
        final InputStream in = Content.Source.asInputStream(exchange);
        if (declared > limit) {
            // Refused without keeping a byte of it, but read: see discardRest.
            discardRest(in);
            throw tooLarge(declared + " bytes", limit, what);
        }
        final byte[] body;
        try {
            body = in.readNBytes(limit + 1);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the request body", e);
        }
        if (body.length > limit) {
            discardRest(in);
            throw tooLarge("more than " + limit + " bytes", limit, what);
        }
        bodyRead.run();
        return body;
    }

    /**
     * Reads and drops what is left of the request body, up to {@link #MAX_DISCARDED_BYTES}. A server that answers
     * with a body still unread closes the connection with the rest unread, which resets it; a client still sending
     * then loses the 413 ("fixed content-length: 120, bytes received: 0" for a 70,000-byte PUT). Beyond the bound
     * the reset is accepted: reading megabytes only to refuse them would let a client keep the gateway busy.
     */
    private void discardRest(InputStream in) {
        final byte[] scratch = new byte[8192];
        long discarded = 0;
        try {
            int read;
            while (discarded < MAX_DISCARDED_BYTES && (read = in.read(scratch)) > 0) {
                discarded += read;
            }
        } catch (IOException e) {
            // The client went away; the answer is still attempted and fails quietly like any other.
        }
        bodyRead.run();
    }

    private static GatewayError tooLarge(String actual, int limit, String what) {
        return new GatewayError(413, what + " of " + actual + " is too large: expected at most " + limit
            + " bytes (the node's maxCommandBytes)");
    }

    private static Map<String, byte[]> parseQuery(String rawQuery) {
        final Map<String, byte[]> parameters = new LinkedHashMap<>();
        if (null == rawQuery || rawQuery.isEmpty()) {
            return parameters;
        }
        for (String pair : rawQuery.split("&", -1)) {
            if (pair.isEmpty()) {
                continue;
            }
            final int equals = pair.indexOf('=');
            final String name = new String(PercentCoding.decode(equals < 0 ? pair : pair.substring(0, equals), true,
                "query parameter name"), StandardCharsets.UTF_8);
            final byte[] value = equals < 0 ? new byte[0]
                : PercentCoding.decode(pair.substring(equals + 1), true, "query parameter '" + name + "'");
            if (null != parameters.put(name, value)) {
                throw GatewayError.badRequest("query parameter '" + name + "' is given twice; expected it once");
            }
        }
        return parameters;
    }
}
