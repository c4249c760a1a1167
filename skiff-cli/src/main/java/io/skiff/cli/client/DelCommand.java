package io.skiff.cli.client;

import io.skiff.cli.ExitCodes;
import io.skiff.cli.SkiffCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code skiff del KEY}: deletes a key through a node's gateway. */
@Command(name = "del", mixinStandardHelpOptions = true,
    description = "Deletes a key through the cluster's log; deleting an absent key succeeds.")
public final class DelCommand implements Callable<Integer> {
    @ParentCommand
    private SkiffCommand parent;

    @Spec
    private CommandSpec spec;

    @Mixin
    private GatewayTarget target;

    @Parameters(index = "0", paramLabel = "KEY", description = "The key (text).")
    private String key;

    @Override
    public Integer call() {
        target.client(spec).send("DELETE", "/kv/" + GatewayClient.encode(key), null).requireSuccess();
        parent.out().println("ok");
        return ExitCodes.OK;
    }
}
