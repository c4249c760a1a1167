package io.skiff.testkit.sim;

import io.skiff.NodeAddress;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Faults at points in virtual time (measured from the start of a run), generated from a seed or written by hand.
 * Generated schedules keep at most a given number of nodes impaired (crashed, paused or cut off) at once; a
 * {@link ChaosRun} repairs whatever is left when its fault phase ends.
 */
public final class FaultSchedule {
    /** A fault and when it strikes, in nanoseconds after the run starts. */
    public record Entry(long atNs, Fault fault) {
        @Override
        public String toString() {
            return String.format("%9.1f ms  %s", atNs / 1e6, fault);
        }
    }

    private final List<Entry> entries;

    public FaultSchedule(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** @return a schedule without faults. */
    public static FaultSchedule none() {
        return new FaultSchedule(List.of());
    }

    /**
     * Generates a random schedule.
     *
     * @param random      the seeded source.
     * @param nodes       the cluster.
     * @param duration    how long faults are injected.
     * @param meanGap     the mean time between two faults.
     * @param maxImpaired the most nodes crashed, paused or isolated at once.
     * @return the schedule.
     */
    public static FaultSchedule random(SplittableRandom random, List<NodeAddress> nodes, Duration duration,
        Duration meanGap, int maxImpaired) {
        return random(random, nodes, List.of(), duration, meanGap, maxImpaired, false);
    }

    /**
     * Generates a random schedule that also changes the membership: spares join and members leave (never below
     * three members), mixed with every other fault.
     *
     * @param spares    machines that are not members at the start.
     * @param handovers whether leadership transfers are among the faults (to any member, reachable or not, so that
     *                  some time out), and whether spares may join before the first election; without them the
     *                  schedule of a seed is what it always was.
     */
    public static FaultSchedule random(SplittableRandom random, List<NodeAddress> nodes, List<NodeAddress> spares,
        Duration duration, Duration meanGap, int maxImpaired, boolean handovers) {
        final List<NodeAddress> members = new ArrayList<>(nodes);
        final List<NodeAddress> outside = new ArrayList<>(spares);
        final List<NodeAddress> machines = new ArrayList<>(nodes);
        machines.addAll(spares);
        final List<Entry> entries = new ArrayList<>();
        final Set<NodeAddress> crashed = new HashSet<>();
        final Set<NodeAddress> paused = new HashSet<>();
        final Set<NodeAddress> slowDisks = new HashSet<>();
        boolean networkFault = false;
        boolean linkFault = false;
        final long end = duration.toNanos();
        if (handovers) {
            // Started with the founders, before their first election: a joining node must not take part in it.
            for (NodeAddress spare : spares) {
                if (random.nextBoolean()) {
                    outside.remove(spare);
                    members.add(spare);
                    entries.add(new Entry(random.nextLong(0, 20_000_000L), new Fault.Join(spare)));
                }
            }
        }
        final int kinds = spares.isEmpty() ? 10 : 12;
        long t = 0;
        while (true) {
            t += (long)(-Math.log(1 - random.nextDouble()) * meanGap.toNanos());
            if (t >= end) {
                break;
            }
            final int impaired = crashed.size() + paused.size() + (networkFault ? 1 : 0);
            if (impaired > 0 && (impaired >= maxImpaired || random.nextDouble() < 0.4)) {
                final List<Fault> repairs = new ArrayList<>();
                crashed.forEach(n -> repairs.add(new Fault.Restart(n)));
                paused.forEach(n -> repairs.add(new Fault.Resume(n)));
                if (networkFault) {
                    repairs.add(new Fault.HealNetwork());
                }
                repairs.sort((a, b) -> a.toString().compareTo(b.toString()));
                final Fault repair = repairs.get(random.nextInt(repairs.size()));
                if (repair instanceof Fault.Restart r) {
                    crashed.remove(r.node());
                } else if (repair instanceof Fault.Resume r) {
                    paused.remove(r.node());
                } else {
                    networkFault = false;
                }
                entries.add(new Entry(t, repair));
                continue;
            }
            final NodeAddress node = machines.get(random.nextInt(machines.size()));
            final boolean healthy = !crashed.contains(node) && !paused.contains(node);
            final int kind = random.nextInt(kinds + (handovers ? 4 : 0));
            if (kind >= kinds) {
                // Half of them to a node known to be down, so that they time out while the leader keeps leading.
                final List<NodeAddress> down = new ArrayList<>(crashed);
                down.addAll(paused);
                down.sort(java.util.Comparator.comparing(NodeAddress::toString));
                final List<NodeAddress> targets = down.isEmpty() || random.nextBoolean() ? members : down;
                entries.add(new Entry(t, new Fault.TransferLeadership(targets.get(random.nextInt(targets.size())))));
                continue;
            }
            switch (kind) {
                case 10:
                    if (!outside.isEmpty()) {
                        final NodeAddress joining = outside.remove(random.nextInt(outside.size()));
                        members.add(joining);
                        entries.add(new Entry(t, new Fault.Join(joining)));
                    }
                    break;
                case 11:
                    if (members.size() > 3) {
                        final NodeAddress leaving = members.remove(random.nextInt(members.size()));
                        outside.add(leaving);
                        entries.add(new Entry(t, new Fault.Leave(leaving)));
                    }
                    break;
                case 0:
                case 1:
                    if (healthy) {
                        crashed.add(node);
                        entries.add(new Entry(t, new Fault.Crash(node)));
                    }
                    break;
                case 9:
                    if (healthy) {
                        entries.add(new Entry(t, new Fault.Reboot(node, random.nextLong(1_000_000, 50_000_000))));
                    }
                    break;
                case 2:
                    if (healthy) {
                        paused.add(node);
                        entries.add(new Entry(t, new Fault.Pause(node)));
                    }
                    break;
                case 3:
                    if (!networkFault) {
                        networkFault = true;
                        entries.add(new Entry(t, new Fault.Isolate(node)));
                    }
                    break;
                case 4:
                    if (!networkFault && machines.size() > 2) {
                        networkFault = true;
                        final List<NodeAddress> shuffled = new ArrayList<>(machines);
                        for (int i = shuffled.size() - 1; i > 0; i--) {
                            java.util.Collections.swap(shuffled, i, random.nextInt(i + 1));
                        }
                        final int cut = 1 + random.nextInt(shuffled.size() - 1);
                        entries.add(new Entry(t, new Fault.Partition(List.of(List.copyOf(shuffled.subList(0, cut)),
                            List.copyOf(shuffled.subList(cut, shuffled.size()))))));
                    }
                    break;
                case 5:
                    if (!networkFault) {
                        networkFault = true;
                        NodeAddress other = machines.get(random.nextInt(machines.size()));
                        if (other.equals(node)) {
                            other = machines.get((machines.indexOf(node) + 1) % machines.size());
                        }
                        entries.add(new Entry(t, new Fault.OneWay(node, other)));
                    }
                    break;
                case 6:
                    linkFault = !linkFault;
                    entries.add(new Entry(t, new Fault.Links(linkFault ? chaoticLinks(random) : LinkFaults.HEALTHY)));
                    break;
                case 7:
                    entries.add(new Entry(t, new Fault.ClockJump(node,
                        random.nextLong(-200_000_000L, 2_000_000_000L))));
                    break;
                default:
                    if (slowDisks.remove(node)) {
                        entries.add(new Entry(t, new Fault.Disk(node, DiskFaults.HEALTHY)));
                    } else {
                        slowDisks.add(node);
                        entries.add(new Entry(t, new Fault.Disk(node, DiskFaults.HEALTHY
                            .withSyncLatency(random.nextLong(1_000_000, 50_000_000))
                            .withCrashOnSync(random.nextDouble() < 0.5 ? 0.02 : 0)
                            .withTornTail(random.nextBoolean()))));
                    }
                    break;
            }
        }
        entries.sort(java.util.Comparator.comparingLong(Entry::atNs));
        return new FaultSchedule(entries);
    }

    private static LinkFaults chaoticLinks(SplittableRandom random) {
        final long min = random.nextLong(50_000, 2_000_000);
        return LinkFaults.HEALTHY.withDelay(min, min + random.nextLong(0, 20_000_000))
            .withDrop(random.nextDouble() * 0.2)
            .withDuplicate(random.nextDouble() * 0.1)
            .withReorder(random.nextDouble() * 0.3, random.nextLong(1_000_000, 30_000_000));
    }

    public List<Entry> entries() {
        return entries;
    }

    /** @return this schedule without the entry at {@code index}, for shrinking a failing run. */
    public FaultSchedule without(int index) {
        final List<Entry> fewer = new ArrayList<>(entries);
        fewer.remove(index);
        return new FaultSchedule(fewer);
    }

    /** @return the entries up to and including {@code timeNs}. */
    public FaultSchedule until(long timeNs) {
        return new FaultSchedule(entries.stream().filter(e -> e.atNs() <= timeNs).toList());
    }

    @Override
    public String toString() {
        final StringBuilder text = new StringBuilder();
        for (Entry entry : entries) {
            text.append("  ").append(entry).append('\n');
        }
        return text.toString();
    }
}
