package io.skiff.cli;

/**
 * A command failed for a reason the user should read: the message is printed as it is, without a stack trace, and
 * the process exits with the code.
 */
public final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int exitCode;

    /**
     * @param exitCode one of {@link ExitCodes}.
     * @param message  what went wrong, in a sentence.
     */
    public CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    /** @return the process's exit code. */
    public int exitCode() {
        return exitCode;
    }
}
