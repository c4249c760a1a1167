package io.skiff.cli.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The gateway's and its client's JSON, read and written by Jackson with the bounds that a parser on a network port
 * needs, configured once here.
 *
 * <p>Values map to Java as: object to {@code Map<String, Object>} (insertion-ordered), array to {@code List<Object>},
 * string to {@link String}, integer to {@link Long} (one beyond its range is refused), other numbers to
 * {@link java.math.BigDecimal} (so that {@code 1e999} is a number, not infinity), true and false to
 * {@link Boolean}, null to {@code null}. Parsing is strict: no duplicate keys, one value and nothing after it, no
 * more than {@link #MAX_DEPTH} levels of nesting and {@link #MAX_NUMBER_LENGTH} characters in a number (so that
 * hostile input cannot exhaust the stack or the CPU). Strings are bounded by the body limits of the routes, far below
 * Jackson's own bound.
 */
public final class Json {
    /** Deepest nesting of arrays and objects accepted. */
    public static final int MAX_DEPTH = 64;
    /** Longest number accepted, in characters: the gateway reads no number at all, only reports them. */
    public static final int MAX_NUMBER_LENGTH = 100;

    private static final JsonMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(MAX_DEPTH)
                .maxNumberLength(MAX_NUMBER_LENGTH)
                .build())
            .build())
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(DeserializationFeature.USE_LONG_FOR_INTS)
        .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
        .build();

    private Json() {
    }

    /**
     * Parses one JSON value.
     *
     * @param text the JSON text.
     * @return the value, as described in the class comment.
     * @throws JsonException naming the offset and what was wrong there.
     */
    public static Object parse(String text) {
        try {
            return MAPPER.readValue(text, Object.class);
        } catch (JsonProcessingException e) {
            final JsonLocation location = e.getLocation();
            throw new JsonException("malformed JSON" + (null == location ? "" : " at offset "
                + location.getCharOffset()) + ": " + e.getOriginalMessage());
        }
    }

    /**
     * Writes a value compactly.
     *
     * @param value a map, list, string, number, boolean or {@code null}.
     * @return the JSON text.
     * @throws IllegalArgumentException for a value Jackson cannot write.
     */
    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write " + value + " as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Writes a value indented, for people.
     *
     * @param value a map, list, string, number, boolean or {@code null}.
     * @return the JSON text.
     */
    public static String writePretty(Object value) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write " + value + " as JSON: " + e.getOriginalMessage(), e);
        }
    }
}
