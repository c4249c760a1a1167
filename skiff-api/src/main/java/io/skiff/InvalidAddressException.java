package io.skiff;

/** An address string does not have one of the accepted forms; the message shows the input and the forms. */
public final class InvalidAddressException extends SkiffException {
    private static final long serialVersionUID = 1L;

    public InvalidAddressException(String message) {
        super(message);
    }
}
