package io.skiff.cli.gateway;

import io.skiff.NodeState;
import io.skiff.NodeStats;
import io.skiff.SkiffNode;

import java.util.Map;

/**
 * {@code GET /metrics}: every counter of {@link SkiffNode#stats()} in Prometheus's text exposition format, each with
 * its {@code # HELP} and {@code # TYPE} lines. Counter names become snake case with the prefix {@code skiff_} and the
 * suffix {@code _total} ({@code transport.framesSent} is {@code skiff_transport_frames_sent_total}); RPCs are one
 * counter per direction labelled by message type; term, role and log positions are gauges.
 */
final class MetricsRoute {
    private static final Map<String, String> HELP = Map.ofEntries(
        Map.entry("framesMalformed", "Frames dropped because they could not be decoded."),
        Map.entry("framesWrongCluster", "Frames dropped because they came from another cluster id."),
        Map.entry("framesUnknownSender", "Frames dropped because of their sender: requests from a non-member, "
            + "answers from a node never asked, Raft messages naming this node itself."),
        Map.entry("framesUnsupportedVersion", "Frames dropped because of an unknown format version."),
        Map.entry("framesNotAuthentic", "Frames dropped because their authentication code did not verify."),
        Map.entry("sendNotConnected", "Frames not sent because the peer was not connected."),
        Map.entry("sendBackPressured", "Frames not sent because the transport was full."),
        Map.entry("sendClosed", "Frames not sent because the transport was closed."),
        Map.entry("elections", "Elections this node started."),
        Map.entry("leaderChanges", "Times the leader known to this node changed."),
        Map.entry("commandsProposed", "Commands this node proposed as leader."),
        Map.entry("commandsForwarded", "Commands this node forwarded to the leader."),
        Map.entry("commandsRetried", "Commands retried after a timeout or a leader change."),
        Map.entry("commandsApplied", "Commands applied to the state machine."),
        Map.entry("commandsDeduplicated", "Retried commands recognised as already applied."),
        Map.entry("reads", "Reads served."),
        Map.entry("readRounds", "ReadIndex rounds (one round serves every read that arrived together)."),
        Map.entry("eventsDropped", "Events not delivered to listeners because their queue was full."),
        Map.entry("bytesSent", "Frame bytes sent."),
        Map.entry("bytesReceived", "Frame bytes received."),
        Map.entry("snapshotsTaken", "Snapshots of the state machine taken."),
        Map.entry("snapshotsInstalled", "Snapshots installed from the leader."));

    private final SkiffNode node;

    MetricsRoute(SkiffNode node) {
        this.node = node;
    }

    Response metrics(Request request) {
        request.acceptOnly();
        final NodeStats stats = node.stats();
        final StringBuilder out = new StringBuilder(4096);
        counter(out, "skiff_messages_sent_total", "Frames sent by this node.", stats.messagesSent());
        counter(out, "skiff_messages_received_total", "Frames received by this node.", stats.messagesReceived());
        rpcs(out, "skiff_rpcs_sent_total", "Requests and responses sent, by message type.", stats.rpcsSent());
        rpcs(out, "skiff_rpcs_received_total", "Requests and responses received, by message type.",
            stats.rpcsReceived());
        for (Map.Entry<String, Long> counter : stats.counters().entrySet()) {
            final String help = HELP.getOrDefault(counter.getKey(), "Counter '" + counter.getKey()
                + "' of the node's stats().");
            counter(out, "skiff_" + snakeCase(counter.getKey()) + "_total", help, counter.getValue());
        }
        gauge(out, "skiff_term", "The node's current term.", stats.term());
        gauge(out, "skiff_first_index", "First index held in the log; earlier entries are compacted.",
            stats.firstIndex());
        gauge(out, "skiff_last_index", "Last index in the log.", stats.lastIndex());
        gauge(out, "skiff_commit_index", "Highest index known to be committed.", stats.commitIndex());
        gauge(out, "skiff_applied_index", "Highest index applied to the state machine.", stats.appliedIndex());
        header(out, "skiff_role", "The node's role: 1 for the current one, 0 for the others.", "gauge");
        for (NodeState state : NodeState.values()) {
            out.append("skiff_role{role=\"").append(state.name()).append("\"} ")
                .append(state == stats.state() ? 1 : 0).append('\n');
        }
        return Response.text(Response.PROMETHEUS, out.toString());
    }

    /** {@code transport.framesSent} becomes {@code transport_frames_sent}: Prometheus names are [a-zA-Z0-9_:]. */
    static String snakeCase(String name) {
        final StringBuilder out = new StringBuilder(name.length() + 8);
        for (int i = 0; i < name.length(); i++) {
            final char c = name.charAt(i);
            if (Character.isUpperCase(c)) {
                out.append('_').append(Character.toLowerCase(c));
            } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                out.append(c);
            } else {
                out.append('_');
            }
        }
        return out.toString();
    }

    private static void rpcs(StringBuilder out, String metric, String help, Map<String, Long> byType) {
        header(out, metric, help, "counter");
        for (Map.Entry<String, Long> rpc : byType.entrySet()) {
            out.append(metric).append("{type=\"").append(labelValue(rpc.getKey())).append("\"} ")
                .append(rpc.getValue()).append('\n');
        }
    }

    private static String labelValue(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private static void counter(StringBuilder out, String metric, String help, long value) {
        header(out, metric, help, "counter");
        out.append(metric).append(' ').append(value).append('\n');
    }

    private static void gauge(StringBuilder out, String metric, String help, long value) {
        header(out, metric, help, "gauge");
        out.append(metric).append(' ').append(value).append('\n');
    }

    private static void header(StringBuilder out, String metric, String help, String type) {
        out.append("# HELP ").append(metric).append(' ').append(help.replace("\\", "\\\\").replace("\n", "\\n"))
            .append('\n');
        out.append("# TYPE ").append(metric).append(' ').append(type).append('\n');
    }
}
