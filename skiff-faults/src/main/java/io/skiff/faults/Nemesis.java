package io.skiff.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/**
 * The seeded source of faults and their application to a {@link ProcessCluster}. The schedule (kinds, holds, quiet
 * times, roles of the targets) is a function of the seed alone; which node holds a role is read when the step is
 * applied. Each step is healed before the next begins, and a healed node is back (answering its status) first, so
 * that the faults of two steps never add up to a majority.
 */
final class Nemesis {
    /** Connections of {@link FaultKind#SLOW_HTTP}: fewer than the gateway's 8 threads. */
    static final int SLOW_CLIENTS = 3;
    /** Connections of {@link FaultKind#SLOWLORIS}: more than the gateway's 8 threads. */
    static final int SLOWLORIS_CLIENTS = 16;
    /** Datagrams a second of {@link FaultKind#UDP_FLOOD}, the rate of the attack in issue 13. */
    static final int FLOOD_RATE = 32_000;
    private static final Duration MIN_QUIET = Duration.ofMillis(500);
    private static final int QUIET_SPREAD_MS = 1500;
    private static final Duration LEADER_TIMEOUT = Duration.ofSeconds(10);

    private final Random random;
    private final List<FaultKind> kinds;
    private final boolean covering;
    private final List<FaultKind> pending = new ArrayList<>();

    /**
     * @param seed     the schedule's seed.
     * @param kinds    the kinds to draw from.
     * @param covering whether each kind comes once in a shuffled order per round (the smoke) rather than drawn
     *                 with replacement (the soak).
     */
    Nemesis(long seed, List<FaultKind> kinds, boolean covering) {
        if (kinds.isEmpty()) {
            throw new IllegalArgumentException("the nemesis needs at least one kind of fault, got none");
        }
        this.random = new Random(seed);
        this.kinds = List.copyOf(kinds);
        this.covering = covering;
    }

    /** @return the next step of the schedule. */
    FaultStep next() {
        final FaultKind kind;
        if (covering) {
            if (pending.isEmpty()) {
                pending.addAll(kinds);
                Collections.shuffle(pending, random);
            }
            kind = pending.remove(0);
        } else {
            kind = kinds.get(random.nextInt(kinds.size()));
        }
        final long spread = kind.maxHold().toMillis() - kind.minHold().toMillis();
        final Duration hold = kind.minHold().plusMillis(spread <= 0 ? 0 : (long)(random.nextDouble() * spread));
        final Duration quiet = MIN_QUIET.plusMillis(random.nextInt(QUIET_SPREAD_MS));
        return new FaultStep(kind, hold, quiet, random.nextBoolean(), random.nextInt(Integer.MAX_VALUE));
    }

    /** Applies one step and heals it. */
    static FaultEvent apply(ProcessCluster cluster, FaultStep step, long seed) {
        LockSupport.parkNanos(step.quiet().toNanos());
        final List<Member> members = cluster.members();
        Member leader = null;
        try {
            leader = cluster.awaitLeader(LEADER_TIMEOUT);
        } catch (AssertionError noLeader) {
            // The step still runs, on targets chosen without the leader's role: a fault must not wait for health.
        }
        final List<Member> followers = new ArrayList<>(members);
        followers.remove(leader);
        final Member follower = followers.get(step.pick() % followers.size());
        final Member either = step.onLeader() && null != leader ? leader : follower;
        final List<Member> targets;
        switch (step.kind()) {
            case KILL_LEADER:
            case PAUSE_LEADER:
                targets = List.of(null == leader ? follower : leader);
                break;
            case KILL_FOLLOWER:
            case PAUSE_FOLLOWER:
            case LEAVE_REJOIN:
                targets = List.of(follower);
                break;
            case KILL_MINORITY:
            case PAUSE_MINORITY:
                targets = minority(members, leader, step);
                break;
            default:
                targets = List.of(either);
        }
        final long start = System.nanoTime();
        String detail = "";
        boolean served = true;
        switch (step.kind()) {
            case KILL_LEADER:
            case KILL_FOLLOWER:
            case KILL_MINORITY:
                targets.forEach(cluster::kill);
                LockSupport.parkNanos(step.hold().toNanos());
                targets.forEach(cluster::restart);
                break;
            case LEAVE_REJOIN:
                cluster.leaveAndRejoin(follower, step.hold());
                break;
            case UDP_GARBAGE:
                detail = new UdpNoise(seed * 31 + step.pick()).send(either.udpPort(), step.hold(), 6000, 2000, 2)
                    + " datagrams";
                break;
            case UDP_FLOOD:
                detail = new UdpNoise(seed * 31 + step.pick()).send(either.udpPort(), step.hold(), 5_000_000,
                    FLOOD_RATE, 50) + " datagrams";
                break;
            case SLOW_HTTP:
            case SLOWLORIS:
                final int connections = FaultKind.SLOW_HTTP == step.kind() ? SLOW_CLIENTS : SLOWLORIS_CLIENTS;
                final GatewayProbe probe = new GatewayProbe(either);
                try {
                    detail = SlowHttpClients.dribble(either.httpPort(), connections, step.hold()) + " of "
                        + connections + " slow connections kept open";
                } finally {
                    probe.close();
                }
                served = probe.allAnswered();
                detail += "; " + probe.describe();
                break;
            default:
                targets.forEach(cluster::pause);
                LockSupport.parkNanos(step.hold().toNanos());
                targets.forEach(cluster::resume);
        }
        final long end = System.nanoTime();
        long backNs = 0;
        for (Member target : targets) {
            final long ns = backInCluster(cluster, target, end);
            backNs = ns < 0 || backNs < 0 ? -1 : Math.max(backNs, ns);
        }
        return new FaultEvent(step, targets.stream().map(Member::index).collect(Collectors.toList()),
            null != leader && targets.contains(leader), start, end, backNs < 0 ? -1 : backNs / 1_000_000, served,
            detail);
    }

    /**
     * @return how long after {@code sinceNs} the member followed (or was) the leader with everything the leader had
     *     committed at the fault's end applied, or -1 if it was not back within {@link ProcessCluster#START_TIMEOUT}.
     */
    private static long backInCluster(ProcessCluster cluster, Member member, long sinceNs) {
        final long[] target = {-1};
        try {
            cluster.await(member + " to be back in the cluster", () -> {
                final Member leader = cluster.leader();
                if (null == leader) {
                    return null;
                }
                if (target[0] < 0) {
                    final NodeStatus leaderStatus = cluster.admin().status(leader);
                    target[0] = null == leaderStatus ? -1 : leaderStatus.commitIndex();
                }
                final NodeStatus status = cluster.admin().status(member);
                return null != status && target[0] >= 0 && leader.address().equals(status.leader())
                    && status.appliedIndex() >= target[0] ? status : null;
            }, null, ProcessCluster.START_TIMEOUT);
            return System.nanoTime() - sinceNs;
        } catch (AssertionError notBack) {
            return -1;
        }
    }

    /** @return a minority of the members, the leader among them when the step says so. */
    private static List<Member> minority(List<Member> members, Member leader, FaultStep step) {
        final int size = (members.size() - 1) / 2;
        final List<Member> candidates = new ArrayList<>(members);
        candidates.remove(leader);
        Collections.rotate(candidates, step.pick() % candidates.size());
        final List<Member> chosen = new ArrayList<>();
        if (step.onLeader() && null != leader) {
            chosen.add(leader);
        }
        for (Member candidate : candidates) {
            if (chosen.size() < size) {
                chosen.add(candidate);
            }
        }
        return chosen;
    }
}
