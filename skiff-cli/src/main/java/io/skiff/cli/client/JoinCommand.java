package io.skiff.cli.client;

import io.skiff.NodeAddress;
import io.skiff.cli.ExitCodes;
import io.skiff.cli.SkiffCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

/** {@code skiff join ADDRESS}: adds a member through consensus. */
@Command(name = "join", mixinStandardHelpOptions = true,
    description = {"Adds a member to the cluster through consensus; joining a member is a no-op.",
        "Start the new node first with --join and the current members as its --peers."})
public final class JoinCommand implements Callable<Integer> {
    @ParentCommand
    private SkiffCommand parent;

    @Spec
    private CommandSpec spec;

    @Mixin
    private GatewayTarget target;

    @Parameters(index = "0", paramLabel = "ADDRESS", description = "The new member, e.g. /ip4/127.0.0.1/udp/9493.")
    private NodeAddress address;

    @Override
    public Integer call() {
        target.client(spec).send("POST", "/members", address.toString().getBytes(StandardCharsets.UTF_8))
            .requireSuccess();
        parent.out().println("joined " + address);
        return ExitCodes.OK;
    }
}
