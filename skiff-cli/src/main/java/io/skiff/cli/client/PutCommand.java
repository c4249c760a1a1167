package io.skiff.cli.client;

import io.skiff.cli.CliException;
import io.skiff.cli.ExitCodes;
import io.skiff.cli.SkiffCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code skiff put KEY VALUE}: writes a key through a node's gateway. */
@Command(name = "put", mixinStandardHelpOptions = true,
    description = {"Writes a value under a key, through the cluster's log.",
        "Example: skiff put greeting hello --node http://127.0.0.1:8080"})
public final class PutCommand implements Callable<Integer> {
    @ParentCommand
    private SkiffCommand parent;

    @Spec
    private CommandSpec spec;

    @Mixin
    private GatewayTarget target;

    @Parameters(index = "0", paramLabel = "KEY", description = "The key (text).")
    private String key;

    @Parameters(index = "1", arity = "0..1", paramLabel = "VALUE", description = "The value (text).")
    private String value;

    @Option(names = "--value-file", paramLabel = "FILE", description = "Reads the value's bytes from FILE instead "
        + "of VALUE; - is standard input.")
    private Path valueFile;

    @Override
    public Integer call() {
        if ((null == value) == (null == valueFile)) {
            throw new ParameterException(spec.commandLine(), "expected a VALUE or --value-file FILE, and not both");
        }
        final byte[] bytes = null != value ? value.getBytes(StandardCharsets.UTF_8) : read(valueFile);
        target.client(spec).send("PUT", "/kv/" + GatewayClient.encode(key), bytes).requireSuccess();
        parent.out().println("ok");
        return ExitCodes.OK;
    }

    private static byte[] read(Path file) {
        try {
            return "-".equals(file.toString()) ? System.in.readAllBytes() : Files.readAllBytes(file);
        } catch (IOException e) {
            throw new CliException(ExitCodes.USAGE, "cannot read the value from " + file + ": " + e);
        }
    }
}
