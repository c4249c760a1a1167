package io.skiff.cli.json;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small, strict JSON reader and writer for the gateway's request and response bodies (RFC 8259), so that the CLI
 * needs no JSON library.
 *
 * <p>Values map to Java as: object to {@code Map<String, Object>} (insertion-ordered), array to {@code List<Object>},
 * string to {@link String}, number to {@link Long} when it is an integer that fits, else {@link Double}, true and
 * false to {@link Boolean}, null to {@code null}. Parsing is strict: no comments, no trailing commas, no duplicate
 * keys, no unescaped control characters or lone surrogates, no leading zeros, one value and nothing after it; nesting
 * is limited to {@link #MAX_DEPTH} so that hostile input cannot exhaust the stack.
 */
public final class Json {
    /** Deepest nesting of arrays and objects accepted. */
    public static final int MAX_DEPTH = 64;

    private final String text;
    private int position;

    private Json(String text) {
        this.text = text;
    }

    /**
     * Parses one JSON value.
     *
     * @param text the JSON text.
     * @return the value, as described in the class comment.
     * @throws JsonException naming the offset and what was expected there.
     */
    public static Object parse(String text) {
        final Json parser = new Json(text);
        parser.skipWhitespace();
        final Object value = parser.readValue(0);
        parser.skipWhitespace();
        if (parser.position < text.length()) {
            throw parser.error("the end of the text");
        }
        return value;
    }

    /**
     * Writes a value compactly.
     *
     * @param value a map, list, string, number, boolean or {@code null}.
     * @return the JSON text.
     * @throws IllegalArgumentException for any other type, or a non-finite number.
     */
    public static String write(Object value) {
        final StringBuilder out = new StringBuilder();
        write(value, out, -1);
        return out.toString();
    }

    /**
     * Writes a value with two-space indentation, for people.
     *
     * @param value a map, list, string, number, boolean or {@code null}.
     * @return the JSON text.
     */
    public static String writePretty(Object value) {
        final StringBuilder out = new StringBuilder();
        write(value, out, 0);
        return out.toString();
    }

    // ---------------------------------------------------------------- writing

    private static void write(Object value, StringBuilder out, int indent) {
        if (null == value) {
            out.append("null");
        } else if (value instanceof String) {
            writeString((String)value, out);
        } else if (value instanceof Boolean) {
            out.append(value);
        } else if (value instanceof Long || value instanceof Integer) {
            out.append(value);
        } else if (value instanceof Double) {
            final double number = (Double)value;
            if (!Double.isFinite(number)) {
                throw new IllegalArgumentException("JSON has no representation for " + number);
            }
            out.append(number);
        } else if (value instanceof Map) {
            writeObject((Map<?, ?>)value, out, indent);
        } else if (value instanceof List) {
            writeArray((List<?>)value, out, indent);
        } else {
            throw new IllegalArgumentException("cannot write a " + value.getClass().getName() + " as JSON: expected "
                + "a map, list, string, number, boolean or null");
        }
    }

    private static void writeObject(Map<?, ?> map, StringBuilder out, int indent) {
        out.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            newLine(out, indent < 0 ? -1 : indent + 1);
            writeString(String.valueOf(entry.getKey()), out);
            out.append(indent < 0 ? ":" : ": ");
            write(entry.getValue(), out, indent < 0 ? -1 : indent + 1);
        }
        if (!map.isEmpty()) {
            newLine(out, indent);
        }
        out.append('}');
    }

    private static void writeArray(List<?> list, StringBuilder out, int indent) {
        out.append('[');
        for (int i = 0; i < list.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            newLine(out, indent < 0 ? -1 : indent + 1);
            write(list.get(i), out, indent < 0 ? -1 : indent + 1);
        }
        if (!list.isEmpty()) {
            newLine(out, indent);
        }
        out.append(']');
    }

    private static void newLine(StringBuilder out, int indent) {
        if (indent >= 0) {
            out.append('\n').append("  ".repeat(indent));
        }
    }

    private static void writeString(String value, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            final char c = value.charAt(i);
            switch (c) {
                case '"':
                    out.append("\\\"");
                    break;
                case '\\':
                    out.append("\\\\");
                    break;
                case '\n':
                    out.append("\\n");
                    break;
                case '\r':
                    out.append("\\r");
                    break;
                case '\t':
                    out.append("\\t");
                    break;
                default:
                    // Control characters must be escaped; U+2028/9 are escaped too, for readers that embed JSON in
                    // JavaScript source.
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        out.append(String.format("\\u%04x", (int)c));
                    } else {
                        out.append(c);
                    }
            }
        }
        out.append('"');
    }

    // ---------------------------------------------------------------- parsing

    private Object readValue(int depth) {
        if (position >= text.length()) {
            throw error("a value");
        }
        final char c = text.charAt(position);
        switch (c) {
            case '{':
                return readObject(depth + 1);
            case '[':
                return readArray(depth + 1);
            case '"':
                return readString();
            case 't':
                return readLiteral("true", Boolean.TRUE);
            case 'f':
                return readLiteral("false", Boolean.FALSE);
            case 'n':
                return readLiteral("null", null);
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return readNumber();
                }
                throw error("a value");
        }
    }

    private Map<String, Object> readObject(int depth) {
        checkDepth(depth);
        position++;
        final Map<String, Object> map = new LinkedHashMap<>();
        skipWhitespace();
        if (peek('}')) {
            position++;
            return Collections.unmodifiableMap(map);
        }
        while (true) {
            skipWhitespace();
            if (!peek('"')) {
                throw error("a string key");
            }
            final int keyAt = position;
            final String key = readString();
            if (map.containsKey(key)) {
                position = keyAt;
                throw error("a key other than the duplicate \"" + key + "\"");
            }
            skipWhitespace();
            expect(':');
            skipWhitespace();
            map.put(key, readValue(depth));
            skipWhitespace();
            if (peek(',')) {
                position++;
                continue;
            }
            expect('}');
            return Collections.unmodifiableMap(map);
        }
    }

    private List<Object> readArray(int depth) {
        checkDepth(depth);
        position++;
        final List<Object> list = new ArrayList<>();
        skipWhitespace();
        if (peek(']')) {
            position++;
            return Collections.unmodifiableList(list);
        }
        while (true) {
            skipWhitespace();
            list.add(readValue(depth));
            skipWhitespace();
            if (peek(',')) {
                position++;
                continue;
            }
            expect(']');
            return Collections.unmodifiableList(list);
        }
    }

    private String readString() {
        position++;
        final StringBuilder out = new StringBuilder();
        while (true) {
            if (position >= text.length()) {
                throw error("a closing '\"'");
            }
            final char c = text.charAt(position);
            if (c == '"') {
                position++;
                return out.toString();
            }
            if (c < 0x20) {
                throw error("an escaped control character (\\u" + String.format("%04x", (int)c) + ")");
            }
            if (c == '\\') {
                readEscape(out);
                continue;
            }
            if (Character.isSurrogate(c)) {
                readSurrogatePair(c, out);
                continue;
            }
            out.append(c);
            position++;
        }
    }

    private void readSurrogatePair(char high, StringBuilder out) {
        if (Character.isHighSurrogate(high) && position + 1 < text.length()
            && Character.isLowSurrogate(text.charAt(position + 1))) {
            out.append(high).append(text.charAt(position + 1));
            position += 2;
            return;
        }
        throw error("a character, not a lone surrogate");
    }

    private void readEscape(StringBuilder out) {
        if (position + 1 >= text.length()) {
            throw error("an escape sequence");
        }
        final char c = text.charAt(position + 1);
        position += 2;
        switch (c) {
            case '"':
            case '\\':
            case '/':
                out.append(c);
                break;
            case 'b':
                out.append('\b');
                break;
            case 'f':
                out.append('\f');
                break;
            case 'n':
                out.append('\n');
                break;
            case 'r':
                out.append('\r');
                break;
            case 't':
                out.append('\t');
                break;
            case 'u':
                final char unit = readHex4();
                if (Character.isHighSurrogate(unit)) {
                    if (!text.startsWith("\\u", position)) {
                        throw error("a \\u escape of a low surrogate after a high one");
                    }
                    position += 2;
                    final char low = readHex4();
                    if (!Character.isLowSurrogate(low)) {
                        position -= 6;
                        throw error("a \\u escape of a low surrogate after a high one");
                    }
                    out.append(unit).append(low);
                } else if (Character.isLowSurrogate(unit)) {
                    position -= 6;
                    throw error("a character, not a lone low surrogate");
                } else {
                    out.append(unit);
                }
                break;
            default:
                position -= 2;
                throw error("one of the escapes \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX");
        }
    }

    private char readHex4() {
        if (position + 4 > text.length()) {
            throw error("four hex digits");
        }
        int value = 0;
        for (int i = 0; i < 4; i++) {
            final int digit = Character.digit(text.charAt(position + i), 16);
            if (digit < 0) {
                position += i;
                throw error("a hex digit");
            }
            value = value * 16 + digit;
        }
        position += 4;
        return (char)value;
    }

    private Object readNumber() {
        final int start = position;
        if (peek('-')) {
            position++;
        }
        if (peek('0')) {
            position++;
        } else if (!readDigits()) {
            throw error("a digit");
        }
        boolean integral = true;
        if (peek('.')) {
            integral = false;
            position++;
            if (!readDigits()) {
                throw error("a digit after the decimal point");
            }
        }
        if (peek('e') || peek('E')) {
            integral = false;
            position++;
            if (peek('+') || peek('-')) {
                position++;
            }
            if (!readDigits()) {
                throw error("a digit in the exponent");
            }
        }
        final String number = text.substring(start, position);
        if (integral) {
            try {
                return Long.parseLong(number);
            } catch (NumberFormatException tooLarge) {
                return Double.parseDouble(number);
            }
        }
        return Double.parseDouble(number);
    }

    private boolean readDigits() {
        final int start = position;
        while (position < text.length() && text.charAt(position) >= '0' && text.charAt(position) <= '9') {
            position++;
        }
        return position > start;
    }

    private Object readLiteral(String literal, Object value) {
        if (!text.startsWith(literal, position)) {
            throw error("a value");
        }
        position += literal.length();
        return value;
    }

    private void checkDepth(int depth) {
        if (depth > MAX_DEPTH) {
            throw error("at most " + MAX_DEPTH + " nested arrays and objects");
        }
    }

    private boolean peek(char c) {
        return position < text.length() && text.charAt(position) == c;
    }

    private void expect(char c) {
        if (!peek(c)) {
            throw error("'" + c + "'");
        }
        position++;
    }

    private void skipWhitespace() {
        while (position < text.length()) {
            final char c = text.charAt(position);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            position++;
        }
    }

    private JsonException error(String expected) {
        final String found = position >= text.length() ? "the end of the text"
            : "'" + text.charAt(position) + "'";
        return new JsonException("malformed JSON at offset " + position + ": expected " + expected + ", found "
            + found);
    }
}
