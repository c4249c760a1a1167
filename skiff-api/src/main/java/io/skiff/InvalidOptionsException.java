package io.skiff;

/** An option has a value outside its range, or two options contradict each other; the message names them. */
public final class InvalidOptionsException extends SkiffException {
    private static final long serialVersionUID = 1L;

    public InvalidOptionsException(String message) {
        super(message);
    }
}
