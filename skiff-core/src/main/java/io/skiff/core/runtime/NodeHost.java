package io.skiff.core.runtime;

import io.skiff.NodeAddress;
import io.skiff.SkiffOptions;
import org.agrona.concurrent.NanoClock;

/**
 * What a node runs on: its clock, its randomness, where its events go and who drives its duty cycle. The default
 * {@link ThreadedHost} gives each node a loop thread and an event thread on the system clock; a simulation hosts
 * every node on one thread in virtual time, so that a run is a pure function of its seed.
 */
public interface NodeHost {
    /** @return the clock the node's loop reads once per duty cycle. */
    NanoClock clock();

    /**
     * @return the seed of one incarnation's election-timeout randomness.
     */
    long electionSeed(NodeAddress address, SkiffOptions options);

    /**
     * @return the client session id of one incarnation; it must differ between incarnations, or the cluster would
     * take the new incarnation's commands for retries of the old one's.
     */
    long clientId(NodeAddress address);

    /**
     * Creates where a node's completions and events go.
     *
     * @param capacity how many completions may wait at once.
     */
    HostedEvents events(NodeAddress address, int capacity, Listeners listeners);

    /** Runs start and stop work, possibly on another thread. */
    void execute(String name, Runnable task);

    /**
     * Starts driving an agent's duty cycle.
     *
     * @return the handle to wake and stop it.
     */
    Runner run(NodeAgent agent);

    /** Where completions and events go, and how many events were dropped. */
    interface HostedEvents extends EventSink, AutoCloseable {
        long droppedEvents();

        /** Runs what is queued, then releases the events' resources. */
        @Override
        void close();
    }

    /** A running agent. */
    interface Runner {
        /** Tells the driver the agent has new work (an operation was submitted). */
        void wake();

        /** @return whether the agent is still being driven (false after stop or a fatal failure). */
        boolean isRunning();

        /** Stops driving the agent, closes it ({@link NodeAgent#onClose()}) and waits for that. */
        void stop();
    }
}
