package io.skiff.cli.demo;

import io.skiff.cli.CliException;
import io.skiff.cli.ExitCodes;
import io.skiff.cli.SkiffCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.Callable;

/** {@code skiff demo}: a three-node cluster in this process that loses its leader under load and loses no write. */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Starts 3 nodes in this process (Aeron UDP on 127.0.0.1, Xodus on disk), runs a write and read "
        + "workload, stops the leader, shows the failover, restarts the old leader and lets it catch up, then reads "
        + "every acknowledged write back and prints each node's counters.",
        "Exits with 0 when no acknowledged write was lost, 5 otherwise."})
public final class DemoCommand implements Callable<Integer> {
    @ParentCommand
    private SkiffCommand parent;

    @Spec
    private CommandSpec spec;

    @Option(names = "--data", paramLabel = "DIR",
        description = "Keeps the nodes' data in DIR (default: a temporary directory, deleted at the end).")
    private Path data;

    @Option(names = "--phase-seconds", paramLabel = "S", defaultValue = "3",
        description = "How long the workload runs before the leader is stopped, and again after (default: "
            + "${DEFAULT-VALUE}).")
    private int phaseSeconds;

    @Option(names = "--clients", paramLabel = "N", defaultValue = "16",
        description = "Operations kept in flight (default: ${DEFAULT-VALUE}).")
    private int clients;

    @Override
    public Integer call() {
        if (phaseSeconds < 1 || phaseSeconds > 600) {
            throw new ParameterException(spec.commandLine(), "--phase-seconds " + phaseSeconds + " is out of range: "
                + "expected 1 to 600");
        }
        if (clients < 1 || clients > 1024) {
            throw new ParameterException(spec.commandLine(), "--clients " + clients + " is out of range: expected 1 "
                + "to 1024");
        }
        final boolean temporary = null == data;
        final Path directory;
        try {
            directory = temporary ? Files.createTempDirectory("skiff-demo-") : Files.createDirectories(data);
        } catch (IOException e) {
            throw new CliException(ExitCodes.USAGE, "cannot create the data directory " + data + ": " + e);
        }
        try {
            return new DemoRun(parent.out(), directory, phaseSeconds, clients).run();
        } finally {
            if (temporary) {
                deleteQuietly(directory);
            }
        }
    }

    private void deleteQuietly(Path directory) {
        try {
            Files.walkFileTree(directory, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException failure) throws IOException {
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            parent.err().println("skiff: could not delete the demo's directory " + directory + ": " + e);
        }
    }
}
