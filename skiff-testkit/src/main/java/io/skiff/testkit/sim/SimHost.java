package io.skiff.testkit.sim;

import io.skiff.NodeAddress;
import io.skiff.SkiffEvent;
import io.skiff.SkiffOptions;
import io.skiff.core.runtime.Listeners;
import io.skiff.core.runtime.NodeAgent;
import io.skiff.core.runtime.NodeHost;
import org.agrona.concurrent.NanoClock;

/**
 * Hosts one incarnation of a simulated node: its clock is the virtual clock plus the machine's skew, its
 * randomness comes from the machine's seeded stream, completions and events run in place, and its duty cycle is
 * an event of the simulation.
 */
final class SimHost implements NodeHost {
    private final SimNode machine;
    private final NanoClock clock;

    SimHost(SimNode machine) {
        this.machine = machine;
        this.clock = machine::clockNs;
    }

    @Override
    public NanoClock clock() {
        return clock;
    }

    @Override
    public long electionSeed(NodeAddress address, SkiffOptions options) {
        return machine.random().nextLong();
    }

    @Override
    public long clientId(NodeAddress address) {
        return machine.random().nextLong();
    }

    @Override
    public HostedEvents events(NodeAddress address, int capacity, Listeners listeners) {
        return new HostedEvents() {
            @Override
            public void complete(Runnable completion) {
                completion.run();
            }

            @Override
            public void publish(SkiffEvent event) {
                listeners.deliver(event);
            }

            @Override
            public long droppedEvents() {
                return 0;
            }

            /** Events ran in place: nothing is queued and nothing to release. */
            @Override
            public void close() {
            }
        };
    }

    @Override
    public void execute(String name, Runnable task) {
        task.run();
    }

    @Override
    public Runner run(NodeAgent agent) {
        machine.running(agent);
        return new Runner() {
            @Override
            public void wake() {
                machine.wakeAt(0);
            }

            @Override
            public boolean isRunning() {
                return machine.agent() == agent;
            }

            @Override
            public void stop() {
                if (machine.agent() == agent) {
                    agent.onClose();
                }
            }
        };
    }
}
