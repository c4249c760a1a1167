package io.skiff.cli.gateway;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Decodes the percent-encoding of URL paths and query strings (RFC 3986) to the bytes they stand for, so that keys
 * may hold any byte: {@code %2F} is a slash inside a key, {@code %FF} a byte that is not UTF-8. Characters that are
 * not escaped stand for their UTF-8 encoding.
 */
final class PercentCoding {
    private PercentCoding() {
    }

    /**
     * @param text        the raw (still encoded) text.
     * @param plusIsSpace whether {@code +} means a space, as in query strings (form encoding); in paths it is a plus.
     * @param what        what the text is, for the message.
     * @return the decoded bytes.
     * @throws GatewayError 400 for a {@code %} not followed by two hex digits.
     */
    static byte[] decode(String text, boolean plusIsSpace, String what) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            final char c = text.charAt(i);
            if (c == '%') {
                final int high = i + 1 < text.length() ? Character.digit(text.charAt(i + 1), 16) : -1;
                final int low = i + 2 < text.length() ? Character.digit(text.charAt(i + 2), 16) : -1;
                if (high < 0 || low < 0) {
                    throw GatewayError.badRequest(what + " '" + text + "' has a malformed escape at character " + i
                        + ": expected % and two hex digits");
                }
                out.write(high * 16 + low);
                i += 2;
            } else if (c == '+' && plusIsSpace) {
                out.write(' ');
            } else if (c < 0x80) {
                out.write(c);
            } else {
                // Clients should escape non-ASCII characters, but a raw one still means its UTF-8 bytes.
                final int end = Character.isHighSurrogate(c) && i + 1 < text.length() ? i + 2 : i + 1;
                out.writeBytes(text.substring(i, end).getBytes(StandardCharsets.UTF_8));
                i = end - 1;
            }
        }
        return out.toByteArray();
    }
}
