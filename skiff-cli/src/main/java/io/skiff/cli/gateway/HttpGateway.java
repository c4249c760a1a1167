package io.skiff.cli.gateway;

import io.skiff.SkiffNode;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.QoSHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * A node's HTTP gateway on Jetty's core server: the node's key-value database, status, metrics and membership for
 * curl and scripts.
 *
 * <pre>
 * PUT    /kv/{key}            body = value               204; 413 when larger than maxCommandBytes
 * GET    /kv/{key}            ?consistency=lease|local    200 value (application/octet-stream); 404 when absent
 * DELETE /kv/{key}                                        204
 * GET    /kv                  ?gt= gte= lt= lte= limit= reverse= keys= values= consistency=
 *                                                         200 {"entries": [...], "count": n, "truncated": bool}
 * POST   /batch               [{"type": "put"|"del", "key": ..., "value": ...}, ...]   204, atomically
 * GET    /status                                          200 address, role, term, leader, indices, members
 * GET    /metrics                                         200 Prometheus text
 * GET    /members                                         200 {"members": [...]}
 * POST   /members             body = address              200 {"joined": address}
 * DELETE /members/{address}                               200 {"left": address}
 * </pre>
 *
 * <p>Keys in paths and query parameters are percent-decoded to bytes (UTF-8 for text). In JSON, a key or value that
 * is not UTF-8 travels as {@code keyBase64}/{@code valueBase64}. Errors are JSON {@code {"error": message,
 * "status": n, ...}}, also those Jetty answers before a request reaches the routes: 400 for malformed input, 404 for
 * an absent key or unknown route, 405 with {@code Allow} for a wrong method, 413 for a body over the limit, 414/431
 * for a request line or headers over {@link HttpLimits#maxHeaderBytes()}, 503 when no leader is reachable (with
 * {@code "leader"}, the one this node knows of, or null) or when too many requests wait, 504 on timeout (with
 * {@code "outcomeUnknown"}), 500 for other failures.
 *
 * <p>Jetty reads requests without a thread per connection, so connections that are slow to send cost no handler
 * thread; {@link ReadDeadlines} closes those that take too long, {@link ClientConnectionLimit} and Jetty's
 * {@link NetworkConnectionLimit} bound how many there are. At most {@link GatewayOptions#threads()} requests are
 * served at once (each waits for its node's answer); up to {@link GatewayOptions#queueCapacity()} more wait, without
 * a thread, for at most the request timeout, and further ones are answered 503.
 */
public final class HttpGateway implements AutoCloseable {
    /** Connections the listening socket keeps waiting to be accepted. */
    static final int BACKLOG = 128;
    /** How long a stopping gateway lets requests in progress finish. */
    static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(2);
    /** Threads Jetty needs besides the handlers: its acceptor, selector and what it reserves for itself. */
    static final int SERVER_THREADS = 6;

    private final GatewayOptions options;
    private final Server server;
    private final ServerConnector connector;
    private final ReadDeadlines deadlines;
    private final KvRoutes kv;
    private final ClusterRoutes cluster;
    private final MetricsRoute metrics;

    private HttpGateway(SkiffNode node, GatewayOptions options) {
        this.options = options;
        final HttpLimits limits = options.limits();
        final QueuedThreadPool threads = new QueuedThreadPool(options.threads() + SERVER_THREADS);
        threads.setName("skiff-http");
        threads.setDaemon(true);
        this.server = new Server(threads);
        server.setStopTimeout(DRAIN_TIMEOUT.toMillis());
        final HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setRequestHeaderSize(limits.maxHeaderBytes());
        // Keys may hold any byte: the routes decode the raw path themselves, and answer a bad escape with their
        // own message, so Jetty passes on encoded slashes, dots and malformed escapes alike.
        http.setUriCompliance(UriCompliance.UNSAFE);
        this.connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(options.bind().getHostString());
        connector.setPort(options.bind().getPort());
        connector.setAcceptQueueSize(BACKLOG);
        connector.setIdleTimeout(limits.idleTimeout().toMillis());
        this.deadlines = new ReadDeadlines(connector.getScheduler(), limits.headerTimeout(), limits.bodyTimeout());
        connector.addEventListener(deadlines);
        connector.addEventListener(new ClientConnectionLimit(limits.maxConnectionsPerClient()));
        server.addConnector(connector);
        server.addBean(new NetworkConnectionLimit(limits.maxConnections(), connector));
        final QoSHandler admission = new QoSHandler(new Handler.Abstract() {
            @Override
            public boolean handle(org.eclipse.jetty.server.Request request, org.eclipse.jetty.server.Response response,
                Callback callback) {
                HttpGateway.this.handle(request, response, callback);
                return true;
            }
        });
        admission.setMaxRequestCount(options.threads());
        admission.setMaxSuspendedRequestCount(options.queueCapacity());
        admission.setMaxSuspend(options.requestTimeout());
        server.setHandler(admission);
        server.setErrorHandler(new JsonErrorHandler());
        this.kv = new KvRoutes(node, options);
        this.cluster = new ClusterRoutes(node, options);
        this.metrics = new MetricsRoute(node);
    }

    /**
     * Starts serving a node.
     *
     * @param node    the node, started or not (requests fail with 503 until it runs).
     * @param options where to listen and how much to take on.
     * @return the running gateway.
     * @throws IOException when the address cannot be bound, for example because the port is in use.
     */
    public static HttpGateway start(SkiffNode node, GatewayOptions options) throws IOException {
        final HttpGateway gateway = new HttpGateway(node, options);
        try {
            gateway.server.start();
        } catch (IOException e) {
            gateway.close();
            throw e;
        } catch (Exception e) {
            gateway.close();
            throw new IOException("cannot start the HTTP gateway on " + options.bind() + ": " + e, e);
        }
        return gateway;
    }

    /** @return the address the gateway listens on, with the port it got when asked for port 0. */
    public InetSocketAddress address() {
        return new InetSocketAddress(options.bind().getAddress(), connector.getLocalPort());
    }

    /**
     * Stops accepting requests, lets those in progress finish for up to {@link #DRAIN_TIMEOUT}, then closes every
     * connection. The node is left running.
     */
    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            // Stopping is best effort: what could not stop gracefully is closed with the server's threads.
        }
    }

    private void handle(org.eclipse.jetty.server.Request exchange, org.eclipse.jetty.server.Response out,
        Callback callback) {
        final Connection connection = exchange.getConnectionMetaData().getConnection();
        final Runnable bodyRead = () -> deadlines.bodyRead(connection);
        if (Request.hasBody(exchange)) {
            deadlines.headersRead(connection);
        } else {
            bodyRead.run();
        }
        Response response;
        try {
            response = route(Request.of(exchange, bodyRead));
        } catch (GatewayError e) {
            response = e.toResponse();
        } catch (UncheckedIOException e) {
            // The client went away while sending its body: nobody to answer.
            callback.failed(e.getCause());
            return;
        } catch (RuntimeException e) {
            response = new GatewayError(500, "the gateway failed: " + e).toResponse();
        }
        // A route that failed before reading the body leaves it unread; it no longer matters when it comes.
        bodyRead.run();
        send(response, out, Callback.from(callback, () -> deadlines.responseSent(connection)));
    }

    private Response route(Request request) {
        final String path = request.rawPath;
        if (path.equals("/kv")) {
            allow(request, "GET");
            return kv.range(request);
        }
        if (path.startsWith("/kv/")) {
            final byte[] key = key(path.substring("/kv/".length()));
            switch (request.method) {
                case "GET":
                    return kv.get(request, key);
                case "PUT":
                    return kv.put(request, key);
                case "DELETE":
                    return kv.del(request, key);
                default:
                    throw notAllowed(request, "GET, PUT, DELETE");
            }
        }
        switch (path) {
            case "/batch":
                allow(request, "POST");
                return kv.batch(request);
            case "/status":
                allow(request, "GET");
                return cluster.status(request);
            case "/metrics":
                allow(request, "GET");
                return metrics.metrics(request);
            case "/members":
                if ("GET".equals(request.method)) {
                    return cluster.members(request);
                }
                if ("POST".equals(request.method)) {
                    return cluster.join(request);
                }
                throw notAllowed(request, "GET, POST");
            default:
                break;
        }
        if (path.startsWith("/members/")) {
            allow(request, "DELETE");
            return cluster.leave(request, new String(PercentCoding.decode(path.substring("/members/".length()),
                false, "the address"), StandardCharsets.UTF_8));
        }
        throw new GatewayError(404, "no route " + request.method + " " + path + "; the gateway serves /kv/{key}, /kv, "
            + "/batch, /status, /metrics, /members and /members/{address}");
    }

    private byte[] key(String rawKey) {
        final byte[] key = PercentCoding.decode(rawKey, false, "the key");
        if (key.length == 0) {
            throw GatewayError.badRequest("the key is empty: expected /kv/KEY with a key of at least one byte");
        }
        if (key.length >= options.maxCommandBytes()) {
            throw new GatewayError(413, "a key of " + key.length + " bytes is too large: expected fewer than "
                + options.maxCommandBytes() + " bytes (the node's maxCommandBytes)");
        }
        return key;
    }

    private static void allow(Request request, String method) {
        if (!method.equals(request.method)) {
            throw notAllowed(request, method);
        }
    }

    private static GatewayError notAllowed(Request request, String allowed) {
        return new GatewayError(405, "method " + request.method + " is not allowed on " + request.rawPath
            + "; expected " + allowed, Map.of(), Map.of("Allow", allowed));
    }

    static void send(Response response, org.eclipse.jetty.server.Response out, Callback callback) {
        out.setStatus(response.status());
        if (null != response.contentType()) {
            out.getHeaders().put(HttpHeader.CONTENT_TYPE, response.contentType());
        }
        response.headers().forEach((name, value) -> out.getHeaders().put(name, value));
        out.write(true, ByteBuffer.wrap(response.body()), callback);
    }
}
