package io.skiff.cli;

/** The exit codes of every {@code skiff} command, for scripts. */
public final class ExitCodes {
    /** The command did what was asked. */
    public static final int OK = 0;
    /** {@code skiff get}: the key is absent. */
    public static final int NOT_FOUND = 1;
    /** The arguments were wrong: unknown command or option, missing or malformed value. */
    public static final int USAGE = 2;
    /** The node answered with an error, or {@code skiff node} could not start or stopped by itself. */
    public static final int FAILED = 3;
    /** The node's gateway could not be reached, or did not answer in time. */
    public static final int UNREACHABLE = 4;
    /** {@code skiff demo}: a check failed, for example an acknowledged write was not read back. */
    public static final int CHECK_FAILED = 5;

    private ExitCodes() {
    }
}
