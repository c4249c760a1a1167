package io.skiff.testkit.sim;

import io.skiff.NodeAddress;
import io.skiff.SkiffNode;
import io.skiff.core.runtime.NodeAgent;
import org.agrona.concurrent.AgentTerminationException;

import java.util.SplittableRandom;

/**
 * One simulated machine: its address, disk faults, clock skew and pause state survive restarts; each start makes
 * a new incarnation (a new {@link SkiffNode} on a {@link SimHost}) whose duty cycle the simulation runs as events.
 */
final class SimNode {
    private final Simulation simulation;
    private final NodeAddress address;
    private final SplittableRandom random;
    private DiskFaults disk = DiskFaults.HEALTHY;
    private SkiffNode node;
    private NodeAgent agent;
    private SimTransport transport;
    private SimStorage storage;
    private long clockSkewNs;
    private long spentNs;
    private long busyUntilNs;
    private long generation;
    private long scheduledAtNs = Long.MAX_VALUE;
    private boolean paused;
    private int incarnation;

    SimNode(Simulation simulation, NodeAddress address, SplittableRandom random) {
        this.simulation = simulation;
        this.address = address;
        this.random = random;
    }

    NodeAddress address() {
        return address;
    }

    SplittableRandom random() {
        return random;
    }

    DiskFaults disk() {
        return disk;
    }

    void disk(DiskFaults faults) {
        disk = faults;
    }

    Invariants observer() {
        return simulation.invariants();
    }

    /** @return the current incarnation, or {@code null} while the machine is down. */
    SkiffNode node() {
        return node;
    }

    NodeAgent agent() {
        return agent;
    }

    boolean isUp() {
        return null != agent;
    }

    boolean isPaused() {
        return paused;
    }

    int incarnation() {
        return incarnation;
    }

    long clockNs() {
        return simulation.clock().nanoTime() + clockSkewNs + spentNs;
    }

    void skewClock(long deltaNs) {
        clockSkewNs += deltaNs;
    }

    /** Time spent inside the current duty cycle (syncs), which delays what it sends afterwards. */
    void spend(long ns) {
        spentNs += ns;
    }

    long departureTime() {
        return simulation.clock().nanoTime() + spentNs;
    }

    void attach(SkiffNode incarnationNode) {
        node = incarnationNode;
    }

    void attachStorage(SimStorage incarnationStorage) {
        storage = incarnationStorage;
    }

    void attachTransport(SimTransport incarnationTransport) {
        transport = incarnationTransport;
        transport.attach(this);
    }

    void running(NodeAgent runningAgent) {
        agent = runningAgent;
        simulation.deliberateBugs().forEach(bug -> runningAgent.core().inject(bug));
        incarnation++;
        generation++;
        scheduledAtNs = Long.MAX_VALUE;
        observer().onStart(this);
        wakeAt(0);
    }

    SimStorage storage() {
        return storage;
    }

    /** Requests a duty cycle after {@code delayNs}, or sooner if one is already due. */
    void wakeAt(long delayNs) {
        if (null == agent) {
            return;
        }
        final long at = Math.max(simulation.clock().nanoTime() + delayNs, busyUntilNs);
        if (at >= scheduledAtNs) {
            return;
        }
        scheduledAtNs = at;
        final long expected = ++generation;
        simulation.scheduler().at(at, () -> {
            if (generation == expected) {
                step();
            }
        });
    }

    private void step() {
        scheduledAtNs = Long.MAX_VALUE;
        if (null == agent) {
            return;
        }
        if (paused) {
            return;
        }
        spentNs = 0;
        int work;
        try {
            work = agent.doWork();
        } catch (AgentTerminationException e) {
            if (e.getCause() instanceof SimulatedCrash) {
                simulation.crashed(this, e.getCause().getMessage());
            } else {
                simulation.died(this, e.getCause());
            }
            return;
        }
        observer().afterStep(this);
        busyUntilNs = simulation.clock().nanoTime() + spentNs;
        spentNs = 0;
        wakeAt(work > 0 ? 1_000 : simulation.tickIntervalNs());
    }

    void pause() {
        paused = true;
    }

    void resume() {
        paused = false;
        wakeAt(0);
    }

    /** Cuts the power: no close, nothing flushed; the disk keeps what was synced. */
    void powerOff() {
        agent = null;
        node = null;
        generation++;
        scheduledAtNs = Long.MAX_VALUE;
        if (null != transport) {
            transport.close();
        }
        if (null != storage) {
            storage.close();
        }
    }

    /** Stops the running incarnation cleanly (its stop path runs, as on SIGTERM). */
    void stopCleanly() {
        final SkiffNode current = node;
        if (null != current) {
            current.stop().join();
        }
        agent = null;
        node = null;
        generation++;
        scheduledAtNs = Long.MAX_VALUE;
    }

    @Override
    public String toString() {
        return address + (null == agent ? "{down}" : agent.core().toString()) + (paused ? "{paused}" : "");
    }
}
