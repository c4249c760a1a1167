package io.skiff.cli.gateway;

import io.skiff.NoQuorumException;
import io.skiff.NodeStoppedException;
import io.skiff.NotLeaderException;
import io.skiff.SkiffException;
import io.skiff.SkiffTimeoutException;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Waits for the node and turns its failures into HTTP answers:
 * <ul>
 *   <li>503 when the cluster cannot serve now: no leader reachable ({@link NotLeaderException}, with the known
 *   leader in {@code "leader"}), no majority ({@link NoQuorumException}), the node stopping
 *   ({@link NodeStoppedException});</li>
 *   <li>504 when the answer did not come in time ({@link SkiffTimeoutException}, or the gateway's own timeout), with
 *   {@code "outcomeUnknown"} telling whether a write may still be applied;</li>
 *   <li>413 when the node refuses a command over {@code maxCommandBytes}, 400 for other argument errors;</li>
 *   <li>500 for anything else, such as a membership change the node could not make.</li>
 * </ul>
 */
final class Failures {
    private Failures() {
    }

    /**
     * Calls the node and waits for its answer.
     *
     * @param call    the call; it may throw at once (argument errors) or fail its future.
     * @param timeout how long to wait.
     * @param write   whether the call changes the cluster, so that a timeout leaves its outcome unknown.
     * @param <T>     the answer's type.
     * @return the answer.
     * @throws GatewayError for every failure, mapped as the class comment says.
     */
    static <T> T await(Supplier<CompletableFuture<T>> call, Duration timeout, boolean write) {
        final CompletableFuture<T> future;
        try {
            future = call.get();
        } catch (RuntimeException e) {
            throw toError(e);
        }
        try {
            return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw toError(e.getCause());
        } catch (TimeoutException e) {
            throw new GatewayError(504, "the node did not answer within " + timeout.toMillis() + " ms"
                + (write ? "; the write may still be applied" : ""), outcome(write));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GatewayError(503, "the gateway is shutting down", outcome(write));
        }
    }

    static GatewayError toError(Throwable failure) {
        final Throwable cause = failure instanceof CompletionException && null != failure.getCause()
            ? failure.getCause() : failure;
        if (cause instanceof NotLeaderException) {
            final Map<String, Object> fields = new HashMap<>();
            fields.put("leader", ((NotLeaderException)cause).leader().map(Object::toString).orElse(null));
            return new GatewayError(503, cause.getMessage(), fields);
        }
        if (cause instanceof NoQuorumException) {
            return new GatewayError(503, cause.getMessage());
        }
        if (cause instanceof NodeStoppedException) {
            return new GatewayError(503, cause.getMessage(), outcome(((SkiffException)cause).outcomeUnknown()));
        }
        if (cause instanceof SkiffTimeoutException) {
            return new GatewayError(504, cause.getMessage(), outcome(((SkiffException)cause).outcomeUnknown()));
        }
        if (cause instanceof IllegalArgumentException) {
            final boolean tooLarge = String.valueOf(cause.getMessage()).contains("maxCommandBytes");
            return new GatewayError(tooLarge ? 413 : 400, cause.getMessage());
        }
        if (cause instanceof SkiffException) {
            return new GatewayError(500, cause.getMessage(), outcome(((SkiffException)cause).outcomeUnknown()));
        }
        return new GatewayError(500, "the node failed: " + cause);
    }

    private static Map<String, Object> outcome(boolean unknown) {
        return Map.of("outcomeUnknown", unknown);
    }
}
