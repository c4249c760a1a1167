package io.skiff.cli.node;

import io.skiff.SkiffEvent;

import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.function.Consumer;

/**
 * Prints a node's events, one line each with a UTC timestamp: {@code 2025-01-31T12:00:00.123Z
 * /ip4/127.0.0.1/udp/9490 state FOLLOWER -> CANDIDATE (term 3)}. Round-trip latency samples are left out: they come
 * several times a second and say nothing about the node's state.
 */
public final class EventLogger implements Consumer<SkiffEvent> {
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
        .withZone(ZoneOffset.UTC);

    private final PrintStream out;

    /** @param out where the lines go. */
    public EventLogger(PrintStream out) {
        this.out = out;
    }

    @Override
    public void accept(SkiffEvent event) {
        final String text = describe(event);
        if (null != text) {
            log(event.node() + " " + text);
        }
    }

    /**
     * Prints one line with the current time.
     *
     * @param message the line's text.
     */
    public void log(String message) {
        out.println(TIMESTAMP.format(Instant.now()) + " " + message);
    }

    static String describe(SkiffEvent event) {
        if (event instanceof SkiffEvent.StateChanged) {
            final SkiffEvent.StateChanged changed = (SkiffEvent.StateChanged)event;
            return "state " + changed.from() + " -> " + changed.to() + " (term " + changed.term() + ")";
        }
        if (event instanceof SkiffEvent.BecameLeader) {
            return "became leader (term " + ((SkiffEvent.BecameLeader)event).term() + ")";
        }
        if (event instanceof SkiffEvent.LeaderChanged) {
            final SkiffEvent.LeaderChanged changed = (SkiffEvent.LeaderChanged)event;
            return (null == changed.leader() ? "no leader known" : "leader is " + changed.leader()) + " (term "
                + changed.term() + ")";
        }
        if (event instanceof SkiffEvent.ElectionTimeout) {
            return "election timeout (term " + ((SkiffEvent.ElectionTimeout)event).term() + ")";
        }
        if (event instanceof SkiffEvent.Connected) {
            return "connected to " + ((SkiffEvent.Connected)event).peer();
        }
        if (event instanceof SkiffEvent.Disconnected) {
            return "disconnected from " + ((SkiffEvent.Disconnected)event).peer();
        }
        if (event instanceof SkiffEvent.Joined) {
            return "member " + ((SkiffEvent.Joined)event).peer() + " joined";
        }
        if (event instanceof SkiffEvent.Left) {
            return "member " + ((SkiffEvent.Left)event).peer() + " left";
        }
        if (event instanceof SkiffEvent.Warning) {
            return "warning: " + ((SkiffEvent.Warning)event).message();
        }
        if (event instanceof SkiffEvent.Started) {
            return "started";
        }
        if (event instanceof SkiffEvent.Stopped) {
            return "stopped";
        }
        return null;
    }
}
