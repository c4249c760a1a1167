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

import java.util.concurrent.Callable;

/** {@code skiff leave ADDRESS}: removes a member through consensus. */
@Command(name = "leave", mixinStandardHelpOptions = true,
    description = "Removes a member from the cluster through consensus; removing a non-member is a no-op.")
public final class LeaveCommand implements Callable<Integer> {
    @ParentCommand
    private SkiffCommand parent;

    @Spec
    private CommandSpec spec;

    @Mixin
    private GatewayTarget target;

    @Parameters(index = "0", paramLabel = "ADDRESS", description = "The member to remove.")
    private NodeAddress address;

    @Override
    public Integer call() {
        target.client(spec).send("DELETE", "/members/" + GatewayClient.encode(address.toString()), null)
            .requireSuccess();
        parent.out().println("left " + address);
        return ExitCodes.OK;
    }
}
