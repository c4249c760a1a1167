package io.skiff.cli.client;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;

/** The options every client command shares: which node's gateway to ask, and how long to wait for it. */
public final class GatewayTarget {
    @Option(names = "--node", paramLabel = "URL", defaultValue = "${env:SKIFF_NODE:-http://127.0.0.1:8080}",
        description = "The node's HTTP gateway (default: $SKIFF_NODE, else http://127.0.0.1:8080).")
    private String node;

    @Option(names = "--timeout-ms", paramLabel = "MS", defaultValue = "15000",
        description = "How long to wait for the answer (default: ${DEFAULT-VALUE}).")
    private long timeoutMs;

    /**
     * @param spec the command, for usage errors.
     * @return a client of the named gateway.
     * @throws ParameterException when the URL or the timeout is malformed.
     */
    GatewayClient client(CommandSpec spec) {
        if (timeoutMs < 1) {
            throw new ParameterException(spec.commandLine(), "--timeout-ms " + timeoutMs + " must be positive");
        }
        final URI base;
        try {
            base = new URI(node.endsWith("/") ? node.substring(0, node.length() - 1) : node);
        } catch (URISyntaxException e) {
            throw new ParameterException(spec.commandLine(), "--node '" + node + "' is not a URL: " + e.getMessage());
        }
        if (!("http".equals(base.getScheme()) || "https".equals(base.getScheme())) || null == base.getHost()
            || (null != base.getRawPath() && !base.getRawPath().isEmpty()) || null != base.getRawQuery()) {
            throw new ParameterException(spec.commandLine(), "--node '" + node + "' is not a gateway URL: expected "
                + "http://HOST:PORT");
        }
        return new GatewayClient(base, Duration.ofMillis(timeoutMs));
    }
}
