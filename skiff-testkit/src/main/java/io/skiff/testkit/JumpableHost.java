package io.skiff.testkit;

import io.skiff.NodeAddress;
import io.skiff.SkiffOptions;
import io.skiff.core.runtime.Listeners;
import io.skiff.core.runtime.NodeAgent;
import io.skiff.core.runtime.NodeHost;
import io.skiff.core.runtime.ThreadedHost;
import org.agrona.concurrent.NanoClock;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The default threaded host of one node, with a clock that a test can move forward: what a node sees when its
 * machine's clock jumps (an NTP step, a VM resumed on another host). Every timer of the node is measured on it, so
 * a jump makes elections, heartbeats and leases fall due at once.
 */
final class JumpableHost implements NodeHost {
    private final AtomicLong offsetNs = new AtomicLong();
    private final NanoClock clock = () -> System.nanoTime() + offsetNs.get();

    /** Moves this node's clock forward; it never goes back, as a monotonic clock cannot. */
    void jump(long deltaNs) {
        if (deltaNs <= 0) {
            throw new IllegalArgumentException("a clock jump must move forward: expected a positive duration, got "
                + deltaNs + " ns");
        }
        offsetNs.addAndGet(deltaNs);
    }

    @Override
    public NanoClock clock() {
        return clock;
    }

    @Override
    public long electionSeed(NodeAddress address, SkiffOptions options) {
        return ThreadedHost.INSTANCE.electionSeed(address, options);
    }

    @Override
    public long clientId(NodeAddress address) {
        return ThreadedHost.INSTANCE.clientId(address);
    }

    @Override
    public HostedEvents events(NodeAddress address, int capacity, Listeners listeners) {
        return ThreadedHost.INSTANCE.events(address, capacity, listeners);
    }

    @Override
    public void execute(String name, Runnable task) {
        ThreadedHost.INSTANCE.execute(name, task);
    }

    @Override
    public Runner run(NodeAgent agent) {
        return ThreadedHost.INSTANCE.run(agent);
    }
}
