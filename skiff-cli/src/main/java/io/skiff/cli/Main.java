package io.skiff.cli;

import io.skiff.NodeAddress;
import io.skiff.InvalidAddressException;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** The {@code skiff} launcher's entry point. */
public final class Main {
    private Main() {
    }

    /**
     * Runs a command and exits with its code (see {@link ExitCodes}).
     *
     * @param args the command line.
     */
    public static void main(String[] args) {
        silenceSlf4jNotice();
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs a command without exiting, for tests and embedding.
     *
     * @param args the command line.
     * @param out  where results go.
     * @param err  where errors go.
     * @return the exit code.
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return commandLine(out, err).execute(args);
    }

    /**
     * Xodus logs through SLF4J 1.7, and without a binding SLF4J prints a three-line notice to standard error when the
     * first logger is made, in the middle of a node's output. Skiff ships no binding (Xodus's internal logging is
     * not what a Skiff operator reads), so SLF4J makes its no-binding choice here, once, with standard error muted.
     */
    private static void silenceSlf4jNotice() {
        final PrintStream err = System.err;
        System.setErr(new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8));
        try {
            LoggerFactory.getILoggerFactory();
        } finally {
            System.setErr(err);
        }
    }

    static CommandLine commandLine(PrintStream out, PrintStream err) {
        final CommandLine commandLine = new CommandLine(new SkiffCommand(out, err));
        commandLine.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        commandLine.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        commandLine.registerConverter(NodeAddress.class, Main::address);
        commandLine.setParameterExceptionHandler((e, args) -> {
            final CommandLine failed = e.getCommandLine();
            failed.getErr().println("skiff: " + e.getMessage());
            failed.getErr().println("Run '" + failed.getCommandSpec().qualifiedName() + " --help' for usage.");
            return ExitCodes.USAGE;
        });
        commandLine.setExecutionExceptionHandler((e, failed, parseResult) -> {
            if (e instanceof CliException) {
                failed.getErr().println("skiff: " + e.getMessage());
                return ((CliException)e).exitCode();
            }
            failed.getErr().println("skiff: unexpected failure: " + e);
            e.printStackTrace(failed.getErr());
            return ExitCodes.FAILED;
        });
        return commandLine;
    }

    private static NodeAddress address(String text) {
        try {
            return NodeAddress.parse(text);
        } catch (InvalidAddressException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
