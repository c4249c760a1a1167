package io.skiff.cli;

import io.skiff.cli.client.DelCommand;
import io.skiff.cli.client.GetCommand;
import io.skiff.cli.client.JoinCommand;
import io.skiff.cli.client.LeaveCommand;
import io.skiff.cli.client.PutCommand;
import io.skiff.cli.client.ScanCommand;
import io.skiff.cli.client.StatusCommand;
import io.skiff.cli.demo.DemoCommand;
import io.skiff.cli.node.NodeCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintStream;

/** The {@code skiff} command: a node, a demo, or a client of a node's HTTP gateway. */
@Command(name = "skiff", mixinStandardHelpOptions = true, versionProvider = SkiffCommand.Version.class,
    description = "Skiff, a Raft cluster that is a replicated key-value database.",
    subcommands = {NodeCommand.class, DemoCommand.class, PutCommand.class, GetCommand.class, DelCommand.class,
        ScanCommand.class, StatusCommand.class, JoinCommand.class, LeaveCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:done",
        "1:get: the key is absent",
        "2:wrong arguments",
        "3:the node answered with an error, or a node could not start",
        "4:the node could not be reached",
        "5:demo: a check failed (an acknowledged write was lost)"},
    footer = {"%nRun 'skiff COMMAND --help' for a command's options. Start with 'skiff demo'."})
public final class SkiffCommand implements Runnable {
    private final PrintStream out;
    private final PrintStream err;

    @Spec
    private CommandSpec spec;

    /**
     * @param out where results go.
     * @param err where errors and warnings go.
     */
    public SkiffCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** @return where results go; raw bytes, such as a value read by {@code get}, are written here too. */
    public PrintStream out() {
        return out;
    }

    /** @return where errors and warnings go. */
    public PrintStream err() {
        return err;
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "a command is required: node, demo, put, get, del, scan, "
            + "status, join or leave");
    }

    /** The version from the jar's manifest, or "development" when run from classes. */
    static final class Version implements picocli.CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            final String version = SkiffCommand.class.getPackage().getImplementationVersion();
            return new String[]{"skiff " + (null == version ? "development build" : version)};
        }
    }
}
