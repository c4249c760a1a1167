package io.skiff.cli.gateway;

import io.skiff.Batch;
import io.skiff.KeyValue;
import io.skiff.LevelUp;
import io.skiff.RangeOptions;
import io.skiff.ReadConsistency;
import io.skiff.SkiffNode;
import io.skiff.cli.json.Json;
import io.skiff.cli.json.JsonException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The key-value routes: {@code GET|PUT|DELETE /kv/{key}}, {@code GET /kv?...} (a range) and {@code POST /batch}.
 * Keys come from the path, percent-decoded to bytes; values are the raw request and response bodies
 * ({@code application/octet-stream}). Every call goes to the node's {@link LevelUp}, so a follower forwards writes
 * to the leader and confirms reads with it rather than refusing them.
 */
final class KvRoutes {
    /** Entries a range returns when the request names no limit. */
    static final int DEFAULT_RANGE_LIMIT = 1000;
    /** Most entries one range returns; page with {@code gt=} the last key for more. */
    static final int MAX_RANGE_LIMIT = 10_000;
    /** A batch's JSON may be this many times {@code maxCommandBytes}: JSON and base64 are larger than the command. */
    static final int BATCH_BODY_FACTOR = 4;

    private static final Set<String> OPERATION_FIELDS = Set.of("type", "key", "keyBase64", "value", "valueBase64");

    private final SkiffNode node;
    private final GatewayOptions options;

    KvRoutes(SkiffNode node, GatewayOptions options) {
        this.node = node;
        this.options = options;
    }

    Response get(Request request, byte[] key) {
        request.acceptOnly("consistency");
        final ReadConsistency consistency = consistency(request);
        final Optional<byte[]> value = Failures.await(() -> node.levelup().get(key, consistency),
            options.requestTimeout(), false);
        if (value.isEmpty()) {
            final Map<String, Object> fields = new LinkedHashMap<>();
            BinaryText.put(fields, "key", key);
            throw new GatewayError(404, "key not found", fields);
        }
        return Response.octets(value.get());
    }

    Response put(Request request, byte[] key) {
        request.acceptOnly();
        final byte[] value = request.body(options.maxCommandBytes() - key.length, "a value");
        Failures.await(() -> node.levelup().put(key, value), options.requestTimeout(), true);
        return Response.noContent();
    }

    Response del(Request request, byte[] key) {
        request.acceptOnly();
        Failures.await(() -> node.levelup().del(key), options.requestTimeout(), true);
        return Response.noContent();
    }

    /**
     * Answers {@code {"entries": [...], "count": n, "truncated": bool}}; {@code truncated} says that more entries lie
     * beyond the limit.
     */
    Response range(Request request) {
        request.acceptOnly("gt", "gte", "lt", "lte", "limit", "reverse", "keys", "values", "consistency");
        RangeOptions range = RangeOptions.all();
        range = lowerBound(request, range);
        range = upperBound(request, range);
        final int limit = request.integer("limit", DEFAULT_RANGE_LIMIT, 0, MAX_RANGE_LIMIT);
        final boolean keys = request.flag("keys", true);
        final boolean values = request.flag("values", true);
        if (!keys && !values) {
            throw GatewayError.badRequest("keys=false and values=false together select nothing; drop one of them");
        }
        // One more than asked for tells whether the range goes on.
        final RangeOptions asked = range.limit(limit + 1).reverse(request.flag("reverse", false)).keys(keys)
            .values(values).consistency(consistency(request));
        final List<KeyValue> found = Failures.await(() -> node.levelup().range(asked), options.requestTimeout(),
            false);
        final List<Object> entries = new ArrayList<>();
        for (KeyValue entry : found.subList(0, Math.min(limit, found.size()))) {
            final Map<String, Object> json = new LinkedHashMap<>();
            if (keys) {
                BinaryText.put(json, "key", entry.key());
            }
            if (values) {
                BinaryText.put(json, "value", entry.value());
            }
            entries.add(json);
        }
        final Map<String, Object> body = new LinkedHashMap<>();
        body.put("entries", entries);
        body.put("count", entries.size());
        body.put("truncated", found.size() > limit);
        return Response.json(200, body);
    }

    /**
     * Applies a JSON array of {@code {"type": "put"|"del", "key": ..., "value": ...}} atomically; keys and values may
     * be given as {@code keyBase64}/{@code valueBase64} instead.
     */
    Response batch(Request request) {
        request.acceptOnly();
        final byte[] body = request.body(BATCH_BODY_FACTOR * options.maxCommandBytes(), "a batch");
        final String text = BinaryText.utf8(body).orElseThrow(() ->
            GatewayError.badRequest("the batch is not UTF-8 text: expected a JSON array"));
        final Object parsed;
        try {
            parsed = Json.parse(text);
        } catch (JsonException e) {
            throw GatewayError.badRequest(e.getMessage());
        }
        if (!(parsed instanceof List)) {
            throw GatewayError.badRequest("the batch must be a JSON array of {\"type\": \"put\" or \"del\", \"key\": "
                + "..., \"value\": ...}, got " + Json.write(parsed));
        }
        final Batch batch = Batch.create();
        final List<?> operations = (List<?>)parsed;
        for (int i = 0; i < operations.size(); i++) {
            add(batch, operations.get(i), "operation " + i);
        }
        Failures.await(() -> node.levelup().batch(batch), options.requestTimeout(), true);
        return Response.noContent();
    }

    private static void add(Batch batch, Object operation, String where) {
        if (!(operation instanceof Map)) {
            throw GatewayError.badRequest(where + " must be an object, got " + Json.write(operation));
        }
        @SuppressWarnings("unchecked")
        final Map<String, Object> fields = (Map<String, Object>)operation;
        for (String field : fields.keySet()) {
            if (!OPERATION_FIELDS.contains(field)) {
                throw GatewayError.badRequest(where + " has an unknown field '" + field + "'; expected type, key or "
                    + "keyBase64, value or valueBase64");
            }
        }
        final byte[] key = BinaryText.take(fields, "key", where)
            .orElseThrow(() -> GatewayError.badRequest(where + " has no 'key'"));
        if (key.length == 0) {
            throw GatewayError.badRequest(where + " has an empty key: expected at least one byte");
        }
        final Optional<byte[]> value = BinaryText.take(fields, "value", where);
        final Object type = fields.get("type");
        if ("put".equals(type)) {
            batch.put(key, value.orElseThrow(() -> GatewayError.badRequest(where + " is a put without a 'value'")));
        } else if ("del".equals(type)) {
            if (value.isPresent()) {
                throw GatewayError.badRequest(where + " is a del with a 'value': expected none");
            }
            batch.del(key);
        } else {
            throw GatewayError.badRequest(where + " has type " + Json.write(type) + ": expected \"put\" or \"del\"");
        }
    }

    private static RangeOptions lowerBound(Request request, RangeOptions range) {
        final Optional<byte[]> gt = request.bytes("gt");
        final Optional<byte[]> gte = request.bytes("gte");
        if (gt.isPresent() && gte.isPresent()) {
            throw GatewayError.badRequest("gt and gte both bound the range from below: expected one of them");
        }
        return gt.map(range::gt).or(() -> gte.map(range::gte)).orElse(range);
    }

    private static RangeOptions upperBound(Request request, RangeOptions range) {
        final Optional<byte[]> lt = request.bytes("lt");
        final Optional<byte[]> lte = request.bytes("lte");
        if (lt.isPresent() && lte.isPresent()) {
            throw GatewayError.badRequest("lt and lte both bound the range from above: expected one of them");
        }
        return lt.map(range::lt).or(() -> lte.map(range::lte)).orElse(range);
    }

    private static ReadConsistency consistency(Request request) {
        final String value = request.text("consistency").orElse("linearizable");
        switch (value) {
            case "linearizable":
                return ReadConsistency.LINEARIZABLE;
            case "local":
                return ReadConsistency.LOCAL;
            case "lease":
                return ReadConsistency.LEASE;
            default:
                throw GatewayError.badRequest("consistency '" + value + "' is unknown: expected linearizable (the "
                    + "default), lease or local");
        }
    }
}
