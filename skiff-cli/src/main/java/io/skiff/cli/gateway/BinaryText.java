package io.skiff.cli.gateway;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * Keys and values in JSON without losing bytes: a field {@code "key"} holds text (its UTF-8 bytes), a field
 * {@code "keyBase64"} holds any bytes in standard base64. The gateway writes the plain form when the bytes are valid
 * UTF-8 and the base64 form otherwise; it reads either, but not both.
 */
final class BinaryText {
    static final String BASE64_SUFFIX = "Base64";

    private BinaryText() {
    }

    static void put(Map<String, Object> json, String field, byte[] bytes) {
        final Optional<String> text = utf8(bytes);
        if (text.isPresent()) {
            json.put(field, text.get());
        } else {
            json.put(field + BASE64_SUFFIX, Base64.getEncoder().encodeToString(bytes));
        }
    }

    /**
     * @param json  the object.
     * @param field the plain field name, e.g. {@code key}.
     * @param where where the object is, for messages (e.g. "operation 3").
     * @return the bytes, or empty when neither form is present.
     * @throws GatewayError 400 when both forms are present, a field is not a string, or base64 is malformed.
     */
    static Optional<byte[]> take(Map<String, Object> json, String field, String where) {
        final Object text = json.get(field);
        final Object base64 = json.get(field + BASE64_SUFFIX);
        if (null != text && null != base64) {
            throw GatewayError.badRequest(where + " has both '" + field + "' and '" + field + BASE64_SUFFIX
                + "': expected one of them");
        }
        if (null != text) {
            if (!(text instanceof String)) {
                throw GatewayError.badRequest(where + ": '" + field + "' must be a string, got " + text);
            }
            return Optional.of(encode((String)text, where, field));
        }
        if (null != base64) {
            if (!(base64 instanceof String)) {
                throw GatewayError.badRequest(where + ": '" + field + BASE64_SUFFIX + "' must be a string, got "
                    + base64);
            }
            try {
                return Optional.of(Base64.getDecoder().decode((String)base64));
            } catch (IllegalArgumentException e) {
                throw GatewayError.badRequest(where + ": '" + field + BASE64_SUFFIX + "' is not base64: "
                    + e.getMessage());
            }
        }
        return Optional.empty();
    }

    /**
     * A JSON escape can spell a lone surrogate (D800 to DFFF without its partner), which has no UTF-8 form:
     * {@code getBytes} would turn it into {@code ?} and store a key or value the client did not send.
     */
    private static byte[] encode(String text, String where, String field) {
        try {
            final ByteBuffer bytes = StandardCharsets.UTF_8.newEncoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .encode(CharBuffer.wrap(text));
            final byte[] encoded = new byte[bytes.remaining()];
            bytes.get(encoded);
            return encoded;
        } catch (CharacterCodingException e) {
            throw GatewayError.badRequest(where + ": '" + field + "' holds a lone surrogate (an unpaired escape "
                + "from \\uD800 to \\uDFFF): expected well-formed Unicode text, or '" + field + BASE64_SUFFIX
                + "' for any bytes");
        }
    }

    /** @return the bytes as text when they are well-formed UTF-8. */
    static Optional<String> utf8(byte[] bytes) {
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes)).toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }
}
