package io.skiff.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Argument handling of every command, in this JVM: help, usage errors (exit code 2) and what scripts rely on. */
class CommandLineTest {
    private static final String PEER = "/ip4/127.0.0.1/udp/9491";

    @ParameterizedTest
    @ValueSource(strings = {"node", "demo", "put", "get", "del", "scan", "status", "join", "leave"})
    void everyCommandExplainsItselfWithHelp(String command) {
        final Cli.Result result = Cli.run(command, "--help");

        assertThat(result.exitCode()).as("%s", result).isZero();
        assertThat(result.out()).startsWith("Usage: skiff " + command).contains("-h, --help");
    }

    @Test
    void theTopCommandListsTheCommandsAndTheExitCodes() {
        final Cli.Result result = Cli.run("--help");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).contains("node", "demo", "put", "get", "del", "scan", "status", "join", "leave",
            "Exit codes:", "4   the node could not be reached");
        assertThat(Cli.run("--version").out()).startsWith("skiff ");
    }

    @Test
    void noCommandIsAUsageError() {
        final Cli.Result result = Cli.run();

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("a command is required").contains("Run 'skiff --help'");
    }

    @Test
    void anUnknownCommandOrOptionIsAUsageError() {
        final Cli.Result command = Cli.run("nodes");
        final Cli.Result option = Cli.run("get", "k", "--nod", "http://127.0.0.1:1");

        assertThat(command.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(command.err()).contains("Unmatched argument").contains("nodes");
        assertThat(option.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(option.err()).contains("--nod").contains("Run 'skiff get --help'");
    }

    @Test
    void aNodeWithoutAddressOrHttpPortIsAUsageError() {
        final Cli.Result result = Cli.run("node", "--peers", PEER);

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("Missing required options").contains("--address").contains("--http");
    }

    @Test
    void aMalformedAddressIsAUsageErrorShowingTheAcceptedForms() {
        final Cli.Result result = Cli.run("node", "--address", "127.0.0.1:9490", "--http", "0");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("invalid address '127.0.0.1:9490'").contains("/ip4/A.B.C.D/udp/PORT");
    }

    @Test
    void aNodeListingItselfAsPeerIsAUsageError() {
        final Cli.Result result = Cli.run("node", "--address", PEER, "--peers", PEER, "--http", "0");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("peers must not contain the node's own address");
    }

    @Test
    void aNodeJoiningWithoutPeersIsAUsageErrorSayingPeersAreTheMembersToJoin() {
        final Cli.Result result = Cli.run("node", "--address", PEER, "--join", "--http", "0");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("join needs peers: the current members of the cluster to join");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--storage=leveldb         | --storage 'leveldb' is unknown: expected xodus or memory",
        "--state-machine=sql       | --state-machine 'sql' is unknown: expected kv or kv-storage",
        "--durability=sometimes    | --durability 'sometimes' is unknown: expected fsync or no-sync",
        "--http=70000              | --http 70000 is not a port",
        "--cluster-id=has space    | clusterId 'has space' is invalid",
        "--http-threads=0          | gateway threads must be 1 to 256, got 0",
        "--request-timeout-ms=0    | gateway request timeout must be positive",
        "--http-header-timeout-ms=0 | gateway header timeout must be positive",
        "--http-body-timeout-ms=-1 | gateway body timeout must be positive",
        "--http-idle-timeout-ms=0  | gateway idle timeout must be positive",
        "--http-max-connections=0  | gateway max connections must be at least 1",
        "--http-max-connections-per-client=2000 | gateway max connections per client must be 1 to max connections"})
    void anOptionValueOutOfItsRangeIsAUsageErrorNamingTheOption(String option, String message) {
        final List<String> args = new ArrayList<>(List.of("node", "--address", "/ip4/127.0.0.1/udp/9490", option));
        if (!option.startsWith("--http=")) {
            args.add("--http=0");
        }

        final Cli.Result result = Cli.run(args.toArray(String[]::new));

        assertThat(result.exitCode()).as("%s", result).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains(message);
    }

    /** Issue 13, defect 4: the Xodus directory was created before the missing transport was noticed. */
    @Test
    void aNodeOnAProtocolWithoutTransportFailsLeavingNoDataDirectory(@TempDir Path directory) throws IOException {
        final Path data = directory.resolve("data");

        final Cli.Result result = Cli.run("node", "--address", "/ip4/127.0.0.1/tcp/9490", "--http", "0", "--data",
            data.toString());

        assertThat(result.exitCode()).as("%s", result).isEqualTo(ExitCodes.FAILED);
        assertThat(result.err()).contains("tcp");
        assertThat(data).satisfiesAnyOf(
            path -> assertThat(path).doesNotExist(),
            path -> assertThat(path).isEmptyDirectory());
    }

    @Test
    void aSecretFileWithAShortKeyOrNoKeyIsAUsageError(@TempDir Path directory) throws IOException {
        final Path shortKey = Files.writeString(directory.resolve("short"), "# rotated 2025-01\ntoo-short\n");
        final Path noKey = Files.writeString(directory.resolve("empty"), "\n# nothing\n");

        final Cli.Result tooShort = Cli.run("node", "--address", "/ip4/127.0.0.1/udp/9490", "--http", "0",
            "--secret-file", shortKey.toString());
        final Cli.Result none = Cli.run("node", "--address", "/ip4/127.0.0.1/udp/9490", "--http", "0",
            "--secret-file", noKey.toString());
        final Cli.Result missing = Cli.run("node", "--address", "/ip4/127.0.0.1/udp/9490", "--http", "0",
            "--secret-file", directory.resolve("absent").toString());

        assertThat(tooShort.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(tooShort.err()).contains("the key on line 2").contains("has 9 bytes: expected at least 16");
        assertThat(none.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(none.err()).contains("holds no key");
        assertThat(missing.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(missing.err()).contains("cannot read the secret file");
    }

    @Test
    void clientCommandsCheckTheirArgumentsBeforeCallingAnyNode() {
        assertThat(Cli.run("put", "k").exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(Cli.run("put", "k", "v", "--value-file", "f").err()).contains("expected a VALUE or --value-file");
        assertThat(Cli.run("get").exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(Cli.run("get", "k", "--node", "not a url").err()).contains("--node 'not a url' is not a URL");
        assertThat(Cli.run("get", "k", "--node", "ftp://host:1").err()).contains("expected http://HOST:PORT");
        assertThat(Cli.run("scan", "--limit", "-1").err()).contains("--limit -1 is out of range");
        assertThat(Cli.run("scan", "--gt", "a", "--gte", "b").exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(Cli.run("scan", "--keys-only", "--values-only").err()).contains("exclude each other");
        assertThat(Cli.run("join", "somewhere").err()).contains("invalid address 'somewhere'");
        assertThat(Cli.run("leave").exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(Cli.run("demo", "--phase-seconds", "0").err()).contains("--phase-seconds 0 is out of range");
    }

    @Test
    void aNodeThatCannotBeReachedIsExitCodeFour() {
        final String nobody = "http://127.0.0.1:" + Ports.freeTcp();

        for (String[] command : new String[][]{{"get", "k"}, {"put", "k", "v"}, {"status"}, {"scan"}}) {
            final String[] args = Arrays.copyOf(command, command.length + 2);
            args[command.length] = "--node";
            args[command.length + 1] = nobody;

            final Cli.Result result = Cli.run(args);

            assertThat(result.exitCode()).as("%s", result).isEqualTo(ExitCodes.UNREACHABLE);
            assertThat(result.err()).contains("cannot reach the node at " + nobody);
        }
    }

    @Test
    void theValueOfPutMayComeFromAFile(@TempDir Path directory) throws IOException {
        final Path file = Files.write(directory.resolve("value"), "from a file".getBytes(StandardCharsets.UTF_8));
        final String nobody = "http://127.0.0.1:" + Ports.freeTcp();

        final Cli.Result absentFile = Cli.run("put", "k", "--value-file", directory.resolve("nope").toString());
        final Cli.Result presentFile = Cli.run("put", "k", "--value-file", file.toString(), "--node", nobody);

        assertThat(absentFile.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(absentFile.err()).contains("cannot read the value from");
        // The file was read: what failed is reaching the node.
        assertThat(presentFile.exitCode()).isEqualTo(ExitCodes.UNREACHABLE);
    }
}
