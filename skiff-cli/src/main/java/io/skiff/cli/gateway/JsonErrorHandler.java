package io.skiff.cli.gateway;

import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

import java.util.Arrays;

/**
 * Answers the errors Jetty finds before a request reaches the routes (a malformed request target, headers over the
 * limit, too many requests waiting) in the gateway's JSON form, {@code {"error": message, "status": n}}, rather
 * than Jetty's HTML page, so that clients parse every error the same way.
 */
final class JsonErrorHandler extends ErrorHandler {
    /** Replaces Jetty's handling whole: it writes no body at all for a PUT or DELETE. */
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        final int code = request.getAttribute(ERROR_STATUS) instanceof Integer
            ? (Integer)request.getAttribute(ERROR_STATUS) : response.getStatus();
        final Object message = request.getAttribute(ERROR_MESSAGE);
        final Object cause = request.getAttribute(ERROR_EXCEPTION);
        HttpGateway.send(new GatewayError(code, describe(code, null == message ? null : message.toString(),
            cause instanceof Throwable ? (Throwable)cause : null)).toResponse(), response, callback);
        return true;
    }

    static String describe(int code, String message, Throwable cause) {
        if (code == HttpStatus.SERVICE_UNAVAILABLE_503) {
            // The routes answer their 503s themselves; Jetty's come from the admission of requests (QoSHandler).
            return "the gateway is busy: every request thread is taken and the queue of waiting requests is full "
                + "(--http-threads); retry later";
        }
        final String reason = null == message || message.isBlank() ? HttpStatus.getMessage(code) : message;
        Throwable root = cause;
        while (null != root && null != root.getCause()) {
            root = root.getCause();
        }
        // Jetty parses the request target before any handler runs and reports a bad escape only as "Bad Request"
        // caused by its URI parser; say what the gateway expects instead.
        if (null != root && Arrays.stream(root.getStackTrace())
            .anyMatch(frame -> frame.getClassName().startsWith(HttpURI.class.getName()))) {
            return "the request target is malformed (" + root.getMessage() + "): expected every % to be followed by "
                + "two hex digits, and no %00 in the path";
        }
        return reason;
    }
}
