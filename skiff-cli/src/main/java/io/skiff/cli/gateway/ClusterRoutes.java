package io.skiff.cli.gateway;

import io.skiff.InvalidAddressException;
import io.skiff.NodeAddress;
import io.skiff.NodeStats;
import io.skiff.PeerInfo;
import io.skiff.SkiffNode;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cluster routes: {@code GET /status}, {@code GET /members}, and membership changes through consensus with
 * {@code POST /members} (body: the address) and {@code DELETE /members/{address}}.
 */
final class ClusterRoutes {
    /** The longest address body read; addresses are at most {@value NodeAddress#MAX_LENGTH} characters. */
    static final int MAX_ADDRESS_BODY_BYTES = 1024;
    /** {@code /status} asks the leader for the members, but answers without them rather than wait long. */
    static final Duration MEMBERS_TIMEOUT = Duration.ofSeconds(2);

    private final SkiffNode node;
    private final GatewayOptions options;

    ClusterRoutes(SkiffNode node, GatewayOptions options) {
        this.node = node;
        this.options = options;
    }

    /**
     * This node's view: address, role, term, leader, log positions, and the members as the leader sees them. When
     * the members cannot be had (no leader), {@code "members"} is {@code null} and {@code "membersError"} says why;
     * the rest is still answered, since it is what an operator needs most then.
     */
    Response status(Request request) {
        request.acceptOnly();
        final NodeStats stats = node.stats();
        final Map<String, Object> body = new LinkedHashMap<>();
        body.put("address", node.address().toString());
        body.put("role", stats.state().name());
        body.put("term", stats.term());
        body.put("leader", null == stats.leader() ? null : stats.leader().toString());
        body.put("commitIndex", stats.commitIndex());
        body.put("appliedIndex", stats.appliedIndex());
        body.put("firstIndex", stats.firstIndex());
        body.put("lastIndex", stats.lastIndex());
        try {
            body.put("members", members(min(options.requestTimeout(), MEMBERS_TIMEOUT)));
        } catch (GatewayError e) {
            body.put("members", null);
            body.put("membersError", e.getMessage());
        }
        return Response.json(200, body);
    }

    Response members(Request request) {
        request.acceptOnly();
        final Map<String, Object> body = new LinkedHashMap<>();
        body.put("members", members(options.requestTimeout()));
        return Response.json(200, body);
    }

    Response join(Request request) {
        request.acceptOnly();
        final String text = new String(request.body(MAX_ADDRESS_BODY_BYTES, "an address"), StandardCharsets.UTF_8)
            .trim();
        final NodeAddress address = parse(text);
        Failures.await(() -> node.join(address.toString()), options.requestTimeout(), true);
        return Response.json(200, Map.of("joined", address.toString()));
    }

    /**
     * @param rawAddress the path after {@code /members/}, percent-decoded; the leading {@code /} of the address may
     *                   be left out, so {@code DELETE /members/ip4/10.0.0.3/udp/9490} works without escaping.
     */
    Response leave(Request request, String rawAddress) {
        request.acceptOnly();
        final NodeAddress address = parse(rawAddress.startsWith("/") ? rawAddress : "/" + rawAddress);
        Failures.await(() -> node.leave(address.toString()), options.requestTimeout(), true);
        return Response.json(200, Map.of("left", address.toString()));
    }

    private List<Object> members(Duration timeout) {
        final List<PeerInfo> peers = Failures.await(node::peers, timeout, false);
        final List<Object> members = new ArrayList<>();
        for (PeerInfo peer : peers) {
            final Map<String, Object> member = new LinkedHashMap<>();
            member.put("address", peer.address().toString());
            member.put("role", peer.state().name());
            member.put("connected", peer.connected());
            member.put("matchIndex", peer.matchIndex());
            member.put("nextIndex", peer.nextIndex());
            member.put("lastSentAgoMs", null == peer.lastSentAgo() ? null : peer.lastSentAgo().toMillis());
            member.put("lastReceivedAgoMs", null == peer.lastReceivedAgo() ? null : peer.lastReceivedAgo().toMillis());
            members.add(member);
        }
        return members;
    }

    private static NodeAddress parse(String text) {
        try {
            return NodeAddress.parse(text);
        } catch (InvalidAddressException e) {
            throw GatewayError.badRequest(e.getMessage());
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
