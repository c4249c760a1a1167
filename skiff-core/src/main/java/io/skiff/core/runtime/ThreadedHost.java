package io.skiff.core.runtime;

import io.skiff.NodeAddress;
import io.skiff.SkiffOptions;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

import java.security.SecureRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * The default host: each node gets a loop thread (an Agrona {@link AgentRunner} with a backing-off idle strategy,
 * never a busy spin) and an event thread, on the system clock.
 */
public final class ThreadedHost implements NodeHost {
    /** One host serves every node of a process; it holds no per-node state. */
    public static final ThreadedHost INSTANCE = new ThreadedHost();

    /** Spins briefly, then parks up to this long: an idle node costs little CPU and wakes within it. */
    private static final long MAX_PARK_NS = 250_000;

    private final NanoClock clock = new SystemNanoClock();
    private final SecureRandom secureRandom = new SecureRandom();

    private ThreadedHost() {
    }

    @Override
    public NanoClock clock() {
        return clock;
    }

    @Override
    public long electionSeed(NodeAddress address, SkiffOptions options) {
        return options.seed().isPresent() ? options.seed().getAsLong() ^ address.hashCode() : secureRandom.nextLong();
    }

    @Override
    public long clientId(NodeAddress address) {
        return secureRandom.nextLong();
    }

    @Override
    public HostedEvents events(NodeAddress address, int capacity, Listeners listeners) {
        return new EventDispatcher("skiff-events-" + address, capacity, listeners);
    }

    @Override
    public void execute(String name, Runnable task) {
        final Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public Runner run(NodeAgent agent) {
        final AgentRunner runner = new AgentRunner(new BackoffIdleStrategy(100, 10, 1_000, MAX_PARK_NS),
            error -> { }, null, agent);
        final Thread loop = AgentRunner.startOnThread(runner, r -> {
            final Thread thread = new Thread(r, agent.roleName());
            thread.setDaemon(true);
            return thread;
        });
        return new Runner() {
            @Override
            public void wake() {
                LockSupport.unpark(loop);
            }

            @Override
            public boolean isRunning() {
                return loop.isAlive();
            }

            @Override
            public void stop() {
                runner.close();
            }
        };
    }
}
