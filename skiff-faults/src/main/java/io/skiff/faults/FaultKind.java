package io.skiff.faults;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What the nemesis does to the cluster, with the range its hold time is drawn from. The pauses are placed around
 * every timeout of the stack: the election timeout (300 to 600 ms), Aeron's publication connection and untethered
 * window timeouts (5 s), and Aeron's client liveness, driver keepalive and image liveness timeouts (10 s; Skiff sets
 * none of them, so Aeron's defaults apply).
 *
 * <p>Kinds that a still-open defect of issue 13 turns into a lasting outage carry the {@link #openDefect()} that
 * keeps them out of the smoke and the soak (a run checks that every node converges, which such a fault prevents);
 * when the fix lands, the reason goes and the kind joins {@link #enabled()}.
 */
public enum FaultKind {
    /** SIGKILL of the leader; restarted after the hold. */
    KILL_LEADER(500, 3000, null),
    /** SIGKILL of a follower; restarted after the hold. */
    KILL_FOLLOWER(500, 3000, null),
    /** SIGKILL of a minority at once (one of three, two of five), the leader among them or not; all restarted. */
    KILL_MINORITY(500, 3000, null),
    /** SIGSTOP shorter than the election timeout, of the leader or a follower: nothing should notice. */
    PAUSE_BRIEF(100, 250, null),
    /** SIGSTOP of the leader longer than the election timeout, shorter than Aeron's 5 s timeouts: a failover. */
    PAUSE_LEADER(1000, 4000, null),
    /** SIGSTOP of a follower longer than the election timeout, shorter than Aeron's 5 s timeouts. */
    PAUSE_FOLLOWER(1000, 4000, null),
    /** SIGSTOP of a minority at once, longer than the election timeout. */
    PAUSE_MINORITY(1000, 4000, null),
    /** SIGSTOP, of the leader or a follower, longer than Aeron's 5 s timeouts, shorter than its 10 s ones. */
    PAUSE_PAST_CONNECTION_TIMEOUT(6000, 8000, null),
    /** SIGSTOP, of the leader or a follower, longer than Aeron's 10 s liveness and driver timeouts. */
    PAUSE_PAST_LIVENESS(12_000, 20_000, "issue 13 defect 1: a node paused past Aeron's 10 s liveness timeout loses "
        + "its Aeron client and never rejoins (being fixed on branch i13-heal)"),
    /** A follower leaves through consensus, stops, is wiped, starts again as a new node and joins. */
    LEAVE_REJOIN(0, 1000, null),
    /**
     * A few thousand datagrams at a node's Raft port at a bounded rate: random bytes, truncated and mutated Aeron
     * headers, and a few dozen forged SETUP frames for random sessions followed by DATA.
     */
    UDP_GARBAGE(1500, 3000, null),
    /**
     * As {@link #UDP_GARBAGE}, but 32,000 datagrams a second, half of them forged SETUP+DATA pairs. Issue 13's
     * defect 2 is not reproduced by it: the attack there also mutated and replayed real frames, which a sender that
     * cannot see the traffic (this one) cannot do.
     */
    UDP_FLOOD(10_000, 15_000, null),
    /** Fewer slow HTTP clients than the gateway has threads, each sending one header line a second. */
    SLOW_HTTP(2000, 4000, null),
    /** More slow HTTP clients than the gateway has threads (slowloris). */
    SLOWLORIS(5000, 8000, "issue 13 defect 3: unfinished requests hold every gateway thread and starve other "
        + "clients (being fixed on branch i13-gateway)");

    private final int minHoldMs;
    private final int maxHoldMs;
    private final String openDefect;

    FaultKind(int minHoldMs, int maxHoldMs, String openDefect) {
        this.minHoldMs = minHoldMs;
        this.maxHoldMs = maxHoldMs;
        this.openDefect = openDefect;
    }

    /** @return the shortest hold the nemesis draws. */
    public Duration minHold() {
        return Duration.ofMillis(minHoldMs);
    }

    /** @return the longest hold the nemesis draws. */
    public Duration maxHold() {
        return Duration.ofMillis(maxHoldMs);
    }

    /** @return why this kind is kept out of the smoke and the soak, or {@code null} when it is not. */
    public String openDefect() {
        return openDefect;
    }

    /** @return whether the leader or a follower may be hit, as the seed says; other kinds name their target. */
    public boolean eitherRole() {
        switch (this) {
            case KILL_LEADER:
            case KILL_FOLLOWER:
            case PAUSE_LEADER:
            case PAUSE_FOLLOWER:
            case LEAVE_REJOIN:
                return false;
            default:
                return true;
        }
    }

    /** @return the kinds without an open defect. */
    public static List<FaultKind> enabled() {
        return Arrays.stream(values()).filter(kind -> null == kind.openDefect).toList();
    }

    /** @return e.g. {@code kill-leader}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
