package io.skiff.faults;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a node's {@code GET /status} says of itself: role, term, leader and log positions, and how many members its
 * leader reports (-1 when it could not ask one). Read with patterns over the flat top-level fields, which come
 * before the {@code "members"} array (whose entries have a {@code "role"} of their own).
 *
 * @param role         e.g. {@code LEADER}, {@code FOLLOWER}, {@code PRE_CANDIDATE}.
 * @param term         the node's term.
 * @param leader       the leader's address it knows, or {@code null}.
 * @param commitIndex  highest index known committed.
 * @param appliedIndex highest index applied.
 * @param voters       members the leader reports, learners excluded; -1 when the members were not available.
 */
public record NodeStatus(String role, long term, String leader, long commitIndex, long appliedIndex, int voters) {
    private static final Pattern MEMBERS = Pattern.compile("\"members\"\\s*:");
    private static final Pattern MEMBER_ROLE = Pattern.compile("\"role\"\\s*:\\s*\"([A-Z_]+)\"");

    /**
     * @param json the body of {@code GET /status}.
     * @return the status.
     * @throws IllegalArgumentException naming the field that is missing.
     */
    public static NodeStatus parse(String json) {
        final Matcher members = MEMBERS.matcher(json);
        final boolean hasMembers = members.find();
        final String own = hasMembers ? json.substring(0, members.start()) : json;
        final String leader = field(own, "leader", "\"([^\"]*)\"|null");
        int voters = -1;
        if (hasMembers && !json.substring(members.end()).trim().startsWith("null")) {
            voters = 0;
            final Matcher role = MEMBER_ROLE.matcher(json.substring(members.end()));
            while (role.find()) {
                voters += "LEARNER".equals(role.group(1)) ? 0 : 1;
            }
        }
        return new NodeStatus(field(own, "role", "\"([A-Z_]+)\""), Long.parseLong(field(own, "term", "(-?[0-9]+)")),
            "null".equals(leader) ? null : leader, Long.parseLong(field(own, "commitIndex", "(-?[0-9]+)")),
            Long.parseLong(field(own, "appliedIndex", "(-?[0-9]+)")), voters);
    }

    private static String field(String json, String name, String valuePattern) {
        final Matcher matcher = Pattern.compile("\"" + name + "\"\\s*:\\s*(?:" + valuePattern + ")").matcher(json);
        if (!matcher.find()) {
            throw new IllegalArgumentException("the status has no field '" + name + "' matching " + valuePattern
                + ": " + json);
        }
        return null == matcher.group(1) ? matcher.group(0).substring(matcher.group(0).lastIndexOf(':') + 1).trim()
            : matcher.group(1);
    }

    public boolean isLeader() {
        return "LEADER".equals(role);
    }
}
