package io.skiff.cli.node;

import io.skiff.InvalidOptionsException;
import io.skiff.NodeAddress;
import io.skiff.NodeState;
import io.skiff.Skiff;
import io.skiff.SkiffEvent;
import io.skiff.SkiffNode;
import io.skiff.SkiffOptions;
import io.skiff.cli.CliException;
import io.skiff.cli.ExitCodes;
import io.skiff.cli.SkiffCommand;
import io.skiff.cli.gateway.GatewayOptions;
import io.skiff.cli.gateway.HttpGateway;
import io.skiff.cli.gateway.HttpLimits;
import io.skiff.storage.xodus.Durability;
import io.skiff.storage.xodus.XodusStorageOptions;
import io.skiff.transport.aeron.AeronTransportOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code skiff node}: one node on Aeron UDP with Xodus storage and an HTTP gateway, until SIGTERM or Ctrl-C.
 *
 * <p>It prints one line per state change; on SIGTERM/SIGINT a shutdown hook stops the gateway (letting requests in
 * progress finish), then the node, which closes its transport, the embedded media driver and its storage. It exits
 * with {@link ExitCodes#FAILED} when the node cannot start or stops by itself, printing why.
 */
@Command(name = "node", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Runs one node on Aeron UDP and Xodus with an HTTP gateway, until SIGTERM or Ctrl-C.",
        "Example: skiff node --address /ip4/127.0.0.1/udp/9490 "
            + "--peers /ip4/127.0.0.1/udp/9491,/ip4/127.0.0.1/udp/9492 --data data-1 --http 8080"})
public final class NodeCommand implements Callable<Integer> {
    /** How long starting may take: opening and verifying a large Xodus log takes a while. */
    static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    /** How often the main thread checks that the node still runs. */
    static final Duration LIVENESS_CHECK_INTERVAL = Duration.ofMillis(500);

    @ParentCommand
    private SkiffCommand parent;

    @Spec
    private CommandSpec spec;

    @Option(names = "--address", required = true, paramLabel = "ADDRESS",
        description = "This node's address and identity, e.g. /ip4/127.0.0.1/udp/9490; it listens on its port.")
    private NodeAddress address;

    @Option(names = "--peers", split = ",", paramLabel = "ADDRESS",
        description = "The other members, comma-separated. Once the node has data, its stored membership wins.")
    private List<NodeAddress> peers = new ArrayList<>();

    @Option(names = "--join",
        description = "Start (with no data yet) as a node joining a running cluster: --peers are its current members. "
            + "It takes no part in elections until the cluster adds it: then ask any member, e.g. skiff join ADDRESS "
            + "--node http://MEMBER:PORT. Without --join, a node with no data founds a cluster with its peers and "
            + "would campaign as a voter nobody else knows. Ignored once the node has data.")
    private boolean join;

    @Option(names = "--data", paramLabel = "DIR", defaultValue = "skiff-data",
        description = "Data directory; the node keeps its files in a sub-directory named after its address "
            + "(default: ${DEFAULT-VALUE}).")
    private Path data;

    @Option(names = "--http", required = true, paramLabel = "PORT",
        description = "Port of the HTTP gateway; 0 picks a free one (printed at start).")
    private int httpPort;

    @Option(names = "--http-host", paramLabel = "HOST", defaultValue = "127.0.0.1",
        description = "Interface of the HTTP gateway (default: ${DEFAULT-VALUE}; 0.0.0.0 for every interface).")
    private String httpHost;

    @Option(names = "--cluster-id", paramLabel = "ID", defaultValue = SkiffOptions.DEFAULT_CLUSTER_ID,
        description = "The cluster's id: frames and stored data of other ids are refused (default: ${DEFAULT-VALUE}).")
    private String clusterId;

    @Option(names = "--secret-file", paramLabel = "FILE",
        description = "Authenticates every frame with the keys in FILE: one per line, at least 16 bytes; the first "
            + "signs, all verify (rotate in three rolling restarts: add the new key second, swap, drop the old).")
    private Path secretFile;

    @Option(names = "--storage", paramLabel = "NAME", defaultValue = "xodus",
        description = "xodus (durable, default) or memory (lost when the process ends).")
    private String storage;

    @Option(names = "--state-machine", paramLabel = "NAME", defaultValue = "kv",
        description = "kv (data in memory, snapshots on disk; default) or kv-storage (data kept in the storage).")
    private String stateMachine;

    @Option(names = "--durability", paramLabel = "MODE", defaultValue = "fsync",
        description = "xodus only: fsync (every commit forced to disk; default) or no-sync (survives kill -9, "
            + "not power loss).")
    private String durability;

    @Option(names = "--aeron-dir", paramLabel = "DIR",
        description = "Directory of the embedded Aeron media driver (default: a fresh one under /dev/shm or the "
            + "temporary directory). It is deleted when the driver starts and stops.")
    private Path aeronDirectory;

    @Option(names = "--request-timeout-ms", paramLabel = "MS", defaultValue = "10000",
        description = "How long an HTTP request waits for the cluster before it is answered 504 "
            + "(default: ${DEFAULT-VALUE}).")
    private long requestTimeoutMs;

    @Option(names = "--http-threads", paramLabel = "N", defaultValue = "" + GatewayOptions.DEFAULT_THREADS,
        description = "HTTP requests served at once (default: ${DEFAULT-VALUE}).")
    private int httpThreads;

    @Option(names = "--http-header-timeout-ms", paramLabel = "MS",
        defaultValue = "" + HttpLimits.DEFAULT_HEADER_TIMEOUT_MS,
        description = "Time a connection has to send a request's line and headers, from its opening or its previous "
            + "response; then it is closed, which ends slowloris clients (default: ${DEFAULT-VALUE}).")
    private long httpHeaderTimeoutMs;

    @Option(names = "--http-body-timeout-ms", paramLabel = "MS", defaultValue = "" + HttpLimits.DEFAULT_BODY_TIMEOUT_MS,
        description = "Time a request has to send its body once its headers are in (default: ${DEFAULT-VALUE}).")
    private long httpBodyTimeoutMs;

    @Option(names = "--http-idle-timeout-ms", paramLabel = "MS", defaultValue = "" + HttpLimits.DEFAULT_IDLE_TIMEOUT_MS,
        description = "Time an HTTP connection may stay silent before it is closed (default: ${DEFAULT-VALUE}).")
    private long httpIdleTimeoutMs;

    @Option(names = "--http-max-connections", paramLabel = "N",
        defaultValue = "" + HttpLimits.DEFAULT_MAX_CONNECTIONS,
        description = "Open HTTP connections in total; further ones wait to be accepted (default: ${DEFAULT-VALUE}).")
    private int httpMaxConnections;

    @Option(names = "--http-max-connections-per-client", paramLabel = "N",
        defaultValue = "" + HttpLimits.DEFAULT_MAX_CONNECTIONS_PER_CLIENT,
        description = "Open HTTP connections from one IP address; further ones are closed at once "
            + "(default: ${DEFAULT-VALUE}).")
    private int httpMaxConnectionsPerClient;

    @Override
    public Integer call() {
        final SkiffOptions options = options();
        final GatewayOptions gatewayOptions = gatewayOptions(options);
        final SkiffNode node;
        try {
            node = Skiff.node(address, options);
        } catch (InvalidOptionsException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        final EventLogger log = new EventLogger(parent.out());
        node.on(SkiffEvent.class, log);
        log.log(address + " starting: " + (options.join() ? "joining, members " : "peers ") + options.peers() + ", " + describeStorage(options) + ", cluster id '"
            + options.clusterId() + "', frame authentication " + (null == secretFile ? "off" : "on"));
        start(node);
        final HttpGateway gateway = serve(node, gatewayOptions);
        log.log(address + " http gateway listening on http://" + hostForUrl(gateway.address()) + ":"
            + gateway.address().getPort());
        return runUntilStopped(node, gateway, log);
    }

    private SkiffOptions options() {
        if (httpPort < 0 || httpPort > 65535) {
            throw new ParameterException(spec.commandLine(), "--http " + httpPort + " is not a port: expected 0 to "
                + "65535");
        }
        if (!"xodus".equals(storage) && !"memory".equals(storage)) {
            throw new ParameterException(spec.commandLine(), "--storage '" + storage + "' is unknown: expected xodus "
                + "or memory");
        }
        if (!"kv".equals(stateMachine) && !"kv-storage".equals(stateMachine)) {
            throw new ParameterException(spec.commandLine(), "--state-machine '" + stateMachine + "' is unknown: "
                + "expected kv or kv-storage");
        }
        final Durability mode = durability(durability);
        try {
            final SkiffOptions.Builder builder = SkiffOptions.builder()
                .peers(peers)
                .join(join)
                .storage(storage)
                .location(data)
                .stateMachine(stateMachine)
                .clusterId(clusterId)
                .providerOptions(XodusStorageOptions.builder().durability(mode).build());
            if (null != aeronDirectory) {
                builder.providerOptions(AeronTransportOptions.builder().driverDirectory(aeronDirectory).build());
            }
            if (null != secretFile) {
                builder.authenticationKeys(SecretFile.read(secretFile, parent.err()));
            }
            return builder.build();
        } catch (InvalidOptionsException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        } catch (CliException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private Durability durability(String name) {
        switch (name) {
            case "fsync":
                return Durability.FSYNC;
            case "no-sync":
                return Durability.NO_SYNC;
            default:
                throw new ParameterException(spec.commandLine(), "--durability '" + name + "' is unknown: expected "
                    + "fsync or no-sync");
        }
    }

    private GatewayOptions gatewayOptions(SkiffOptions options) {
        try {
            final HttpLimits limits = new HttpLimits(Duration.ofMillis(httpHeaderTimeoutMs),
                Duration.ofMillis(httpBodyTimeoutMs), Duration.ofMillis(httpIdleTimeoutMs), httpMaxConnections,
                httpMaxConnectionsPerClient, HttpLimits.DEFAULT_MAX_HEADER_BYTES);
            return new GatewayOptions(new InetSocketAddress(httpHost, httpPort), httpThreads,
                GatewayOptions.DEFAULT_QUEUE_CAPACITY, Duration.ofMillis(requestTimeoutMs), options.maxCommandBytes(),
                limits);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private String describeStorage(SkiffOptions options) {
        if ("memory".equals(storage)) {
            return "storage memory (not durable)";
        }
        return "storage xodus in " + options.location().toAbsolutePath() + " (" + durability + ")";
    }

    private void start(SkiffNode node) {
        try {
            node.start().get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            node.close();
            throw new CliException(ExitCodes.FAILED, "cannot start " + address + ": " + e.getCause().getMessage());
        } catch (TimeoutException e) {
            node.close();
            throw new CliException(ExitCodes.FAILED, "cannot start " + address + ": it did not start within "
                + START_TIMEOUT.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            node.close();
            throw new CliException(ExitCodes.FAILED, "interrupted while starting " + address);
        }
    }

    private HttpGateway serve(SkiffNode node, GatewayOptions gatewayOptions) {
        try {
            return HttpGateway.start(node, gatewayOptions);
        } catch (IOException e) {
            node.close();
            throw new CliException(ExitCodes.FAILED, "cannot serve HTTP on " + httpHost + ":" + httpPort + ": " + e);
        }
    }

    /**
     * Waits for a signal, whose shutdown hook stops everything, or for the node to stop by itself. After a signal
     * the JVM exits once the hook is done, with the signal's status (143 for SIGTERM, 130 for SIGINT).
     */
    private int runUntilStopped(SkiffNode node, HttpGateway gateway, EventLogger log) {
        final AtomicBoolean shuttingDown = new AtomicBoolean();
        final CountDownLatch stopped = new CountDownLatch(1);
        final Thread hook = new Thread(() -> {
            shuttingDown.set(true);
            log.log(address + " stopping");
            gateway.close();
            node.close();
            log.log(address + " stopped cleanly");
            stopped.countDown();
        }, "skiff-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            while (!stopped.await(LIVENESS_CHECK_INTERVAL.toMillis(), TimeUnit.MILLISECONDS)) {
                if (!shuttingDown.get() && node.state() == NodeState.STOPPED) {
                    try {
                        Runtime.getRuntime().removeShutdownHook(hook);
                    } catch (IllegalStateException signalledMeanwhile) {
                        continue;
                    }
                    gateway.close();
                    node.close();
                    throw new CliException(ExitCodes.FAILED, address + " stopped by itself; the warning above says "
                        + "why");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return ExitCodes.OK;
    }

    private static String hostForUrl(InetSocketAddress address) {
        final String host = address.getAddress().getHostAddress();
        return host.contains(":") ? "[" + host + "]" : host;
    }
}
