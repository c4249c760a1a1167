package io.skiff.cli.json;

/** Malformed JSON; the message names the offset, what was expected there and what was found. */
public final class JsonException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    JsonException(String message) {
        super(message);
    }
}
