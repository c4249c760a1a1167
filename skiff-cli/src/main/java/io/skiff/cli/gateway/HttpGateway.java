package io.skiff.cli.gateway;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.skiff.SkiffNode;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A node's HTTP gateway on the JDK's built-in server: the node's key-value database, status, metrics and membership
 * for curl and scripts.
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
 * "status": n, ...}}: 400 for malformed input, 404 for an absent key or unknown route, 405 with {@code Allow} for a
 * wrong method, 413 for a body over the limit, 503 when no leader is reachable (with {@code "leader"}, the one this
 * node knows of, or null), 504 on timeout (with {@code "outcomeUnknown"}), 500 for other failures.
 *
 * <p>Requests are served by a fixed pool of {@link GatewayOptions#threads()} threads, each waiting for its node's
 * answer, with {@link GatewayOptions#queueCapacity()} requests queued; when the queue is full the server closes new
 * connections without an answer rather than let memory grow.
 */
public final class HttpGateway implements AutoCloseable {
    /** Connections the listening socket keeps waiting to be accepted. */
    static final int BACKLOG = 128;
    /** How long a stopping gateway lets requests in progress finish. */
    static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(2);

    private final GatewayOptions options;
    private final HttpServer server;
    private final ThreadPoolExecutor executor;
    private final KvRoutes kv;
    private final ClusterRoutes cluster;
    private final MetricsRoute metrics;

    private HttpGateway(SkiffNode node, GatewayOptions options, HttpServer server, ThreadPoolExecutor executor) {
        this.options = options;
        this.server = server;
        this.executor = executor;
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
        final HttpServer server = HttpServer.create(options.bind(), BACKLOG);
        final ThreadPoolExecutor executor = new ThreadPoolExecutor(options.threads(), options.threads(), 0,
            TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(options.queueCapacity()), threadsNamed("skiff-http-"),
            new ThreadPoolExecutor.AbortPolicy());
        server.setExecutor(executor);
        final HttpGateway gateway = new HttpGateway(node, options, server, executor);
        server.createContext("/", gateway::handle);
        server.start();
        return gateway;
    }

    /** @return the address the gateway listens on, with the port it got when asked for port 0. */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /**
     * Stops accepting requests, lets those in progress finish for up to {@link #DRAIN_TIMEOUT}, then closes every
     * connection. The node is left running.
     */
    @Override
    public void close() {
        executor.shutdown();
        try {
            executor.awaitTermination(DRAIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) {
        try {
            Response response;
            try {
                response = route(Request.of(exchange));
            } catch (GatewayError e) {
                response = e.toResponse();
            } catch (UncheckedIOException e) {
                // The client went away while sending its body: nobody to answer.
                return;
            } catch (RuntimeException e) {
                response = new GatewayError(500, "the gateway failed: " + e).toResponse();
            }
            send(exchange, response);
        } finally {
            exchange.close();
        }
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

    private static void send(HttpExchange exchange, Response response) {
        try {
            if (null != response.contentType()) {
                exchange.getResponseHeaders().set("Content-Type", response.contentType());
            }
            response.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
            final int length = response.body().length;
            // -1 announces no body at all, which 204 requires; 0 would announce a chunked one.
            exchange.sendResponseHeaders(response.status(), length == 0 ? -1 : length);
            if (length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(response.body());
                }
            }
        } catch (IOException e) {
            // The client hung up; the answer has nowhere to go.
        }
    }

    private static ThreadFactory threadsNamed(String prefix) {
        final AtomicInteger count = new AtomicInteger();
        return runnable -> {
            final Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
