package io.skiff.cli.client;

import io.skiff.cli.CliException;
import io.skiff.cli.ExitCodes;
import io.skiff.cli.SkiffCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code skiff get KEY}: reads a key through a node's gateway; exit code 1 when it is absent. */
@Command(name = "get", mixinStandardHelpOptions = true,
    description = {"Prints the value of a key (its bytes as stored); exits with 1 when the key is absent.",
        "Reads are linearizable unless --local is given."})
public final class GetCommand implements Callable<Integer> {
    @ParentCommand
    private SkiffCommand parent;

    @Spec
    private CommandSpec spec;

    @Mixin
    private GatewayTarget target;

    @Parameters(index = "0", paramLabel = "KEY", description = "The key (text).")
    private String key;

    @Option(names = "--local", description = "Reads the node's own state without asking the leader; may be stale.")
    private boolean local;

    @Override
    public Integer call() {
        final GatewayClient.Reply reply = target.client(spec).send("GET", "/kv/" + GatewayClient.encode(key)
            + (local ? "?consistency=local" : ""), null);
        if (reply.status() == 404) {
            throw new CliException(ExitCodes.NOT_FOUND, "key '" + key + "' not found");
        }
        reply.requireSuccess();
        parent.out().write(reply.body(), 0, reply.body().length);
        parent.out().println();
        return ExitCodes.OK;
    }
}
