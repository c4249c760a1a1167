package io.skiff.faults;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * A well-behaved client that keeps asking one gateway for a local read while it is under attack, counting the
 * requests that got no answer in time: the gateway must keep serving such clients whatever others do to it.
 */
final class GatewayProbe implements AutoCloseable {
    static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final long INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(250);

    private final Gateway gateway = new Gateway(TIMEOUT);
    private final Member member;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Thread thread;
    private volatile int sent;
    private volatile int unanswered;

    GatewayProbe(Member member) {
        this.member = member;
        this.thread = new Thread(this::run, "gateway-probe-" + member.index());
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        while (!stop.get()) {
            final Gateway.Reply reply = gateway.send(member, "GET", "/kv/probe?consistency=local", null);
            sent++;
            if (404 != reply.status() && 200 != reply.status()) {
                unanswered++;
            }
            LockSupport.parkNanos(INTERVAL_NS);
        }
    }

    /** Stops probing and waits for the request in progress (bounded by {@link #TIMEOUT}). */
    @Override
    public void close() {
        stop.set(true);
        try {
            thread.join(TIMEOUT.multipliedBy(2).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** @return e.g. {@code 0 of 12 probes unanswered within 2 s}. */
    String describe() {
        return unanswered + " of " + sent + " probes of " + member + " unanswered within " + TIMEOUT.toSeconds() + " s";
    }

    boolean allAnswered() {
        return 0 == unanswered;
    }
}
