package io.skiff;

/**
 * No service provider matches what was asked for; the message lists the providers that were found and their
 * modules.
 */
public final class NoProviderException extends SkiffException {
    private static final long serialVersionUID = 1L;

    public NoProviderException(String message) {
        super(message);
    }
}
