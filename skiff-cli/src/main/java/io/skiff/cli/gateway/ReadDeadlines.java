package io.skiff.cli.gateway;

import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.util.thread.Scheduler;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection that does not deliver its request in time: its line and headers within
 * {@link HttpLimits#headerTimeout()} of the connection opening (or of the previous response), its body within
 * {@link HttpLimits#bodyTimeout()} of the headers. Jetty's idle timeout restarts with every byte, so a client sending
 * one header line every few seconds would hold its connection forever (slowloris); these deadlines do not restart.
 *
 * <p>The header deadline is armed by the connection opening and by each response sent; the gateway's handler, which
 * Jetty calls once the headers are in, replaces it with the body deadline and cancels that once the body is read.
 */
final class ReadDeadlines implements Connection.Listener {
    private final Scheduler scheduler;
    private final Duration headerTimeout;
    private final Duration bodyTimeout;
    private final Map<Connection, Deadline> armed = new ConcurrentHashMap<>();

    ReadDeadlines(Scheduler scheduler, Duration headerTimeout, Duration bodyTimeout) {
        this.scheduler = scheduler;
        this.headerTimeout = headerTimeout;
        this.bodyTimeout = bodyTimeout;
    }

    @Override
    public void onOpened(Connection connection) {
        arm(connection, headerTimeout);
    }

    @Override
    public void onClosed(Connection connection) {
        cancel(connection);
    }

    /** The headers are in: the body must follow within the body timeout. */
    void headersRead(Connection connection) {
        arm(connection, bodyTimeout);
    }

    /** The body is read (or there is none): the request no longer depends on the client's pace. */
    void bodyRead(Connection connection) {
        cancel(connection);
    }

    /** The response is sent: the next request's headers must come within the header timeout. */
    void responseSent(Connection connection) {
        if (connection.getEndPoint().isOpen()) {
            arm(connection, headerTimeout);
        }
    }

    private void arm(Connection connection, Duration timeout) {
        final Deadline deadline = new Deadline(connection);
        final Deadline previous = armed.put(connection, deadline);
        if (null != previous) {
            previous.task.cancel();
        }
        deadline.task = scheduler.schedule(deadline, timeout.toNanos(), TimeUnit.NANOSECONDS);
        // Closed meanwhile: onClosed may have run before the put and left this deadline behind.
        if (!connection.getEndPoint().isOpen()) {
            cancel(connection);
        }
    }

    private void cancel(Connection connection) {
        final Deadline deadline = armed.remove(connection);
        if (null != deadline) {
            deadline.task.cancel();
        }
    }

    /** One armed deadline; it closes its connection only if no later one replaced it. */
    private final class Deadline implements Runnable {
        private final Connection connection;
        private volatile Scheduler.Task task = () -> false;

        Deadline(Connection connection) {
            this.connection = connection;
        }

        @Override
        public void run() {
            if (armed.remove(connection, this)) {
                connection.getEndPoint().close();
            }
        }
    }
}
