package io.skiff.cli.json;

/** Malformed or over-limit JSON; the message names the offset and what was wrong there. */
public final class JsonException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    JsonException(String message) {
        super(message);
    }
}
