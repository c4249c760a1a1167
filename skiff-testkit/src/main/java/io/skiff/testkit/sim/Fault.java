package io.skiff.testkit.sim;

import io.skiff.NodeAddress;

import java.time.Duration;
import java.util.List;

/** One fault, or one repair, that a {@link FaultSchedule} applies to a {@link Simulation}. */
public sealed interface Fault {
    /** Applies the fault. */
    void apply(Simulation simulation);

    /** Splits the cluster into groups that cannot reach each other. */
    record Partition(List<List<NodeAddress>> groups) implements Fault {
        @Override
        @SuppressWarnings("unchecked")
        public void apply(Simulation simulation) {
            simulation.record("partition " + groups);
            simulation.network().partition(groups.toArray(List[]::new));
        }
    }

    /** Cuts one node off from all others. */
    record Isolate(NodeAddress node) implements Fault {
        @Override
        public void apply(Simulation simulation) {
            simulation.record("isolate " + node);
            simulation.network().isolate(node);
        }
    }

    /** Loses every frame from one node to another, but not back. */
    record OneWay(NodeAddress from, NodeAddress to) implements Fault {
        @Override
        public void apply(Simulation simulation) {
            simulation.record("block " + from + " -> " + to);
            simulation.network().block(from, to);
        }
    }

    /** Removes every cut. */
    record HealNetwork() implements Fault {
        @Override
        public void apply(Simulation simulation) {
            simulation.record("heal network");
            simulation.network().heal();
        }
    }

    /** Sets loss, duplication, reordering and latency on every link. */
    record Links(LinkFaults faults) implements Fault {
        @Override
        public void apply(Simulation simulation) {
            simulation.record("links " + faults);
            simulation.network().faults(faults);
        }
    }

    record Crash(NodeAddress node) implements Fault {
        @Override
        public void apply(Simulation simulation) {
            simulation.crash(node);
        }
    }

    /** Asks the leader to add a node (starting it if needed); the outcome is not awaited. */
    record Join(NodeAddress node) implements Fault {
        @Override
        public void apply(Simulation simulation) {
            simulation.join(node);
        }
    }

    /**
     * Asks the leader to hand its leadership to a member, which may be down or cut off (the transfer then times
     * out); the outcome is not awaited.
     */
    record TransferLeadership(NodeAddress target) implements Fault {
        @Override
        public void apply(Simulation simulation) {
            simulation.transferLeadership(target);
        }
    }

    /** Asks the leader to remove a member; the outcome is not awaited. */
    record Leave(NodeAddress node) implements Fault {
        @Override
        public void apply(Simulation simulation) {
            simulation.leave(node);
        }
    }

    /** Crashes a node and starts it again shortly after, as a supervisor restarts a crashed process. */
    record Reboot(NodeAddress node, long downNs) implements Fault {
        @Override
        public void apply(Simulation simulation) {
            simulation.crash(node);
            simulation.scheduler().after(downNs, () -> simulation.restart(node));
        }
    }

    record Restart(NodeAddress node) implements Fault {
        @Override
        public void apply(Simulation simulation) {
            simulation.restart(node);
        }
    }

    record Pause(NodeAddress node) implements Fault {
        @Override
        public void apply(Simulation simulation) {
            simulation.pause(node);
        }
    }

    record Resume(NodeAddress node) implements Fault {
        @Override
        public void apply(Simulation simulation) {
            simulation.resume(node);
        }
    }

    record ClockJump(NodeAddress node, long deltaNs) implements Fault {
        @Override
        public void apply(Simulation simulation) {
            simulation.jumpClock(node, Duration.ofNanos(deltaNs));
        }
    }

    record Disk(NodeAddress node, DiskFaults faults) implements Fault {
        @Override
        public void apply(Simulation simulation) {
            simulation.disk(node, faults);
        }
    }
}
