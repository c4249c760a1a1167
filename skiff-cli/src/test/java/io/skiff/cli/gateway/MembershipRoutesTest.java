package io.skiff.cli.gateway;

import io.skiff.NodeState;
import io.skiff.Skiff;
import io.skiff.SkiffNode;
import io.skiff.SkiffOptions;
import io.skiff.cli.Await;
import io.skiff.cli.Cli;
import io.skiff.cli.ExitCodes;
import io.skiff.cli.Http;
import io.skiff.cli.Ports;
import io.skiff.cli.json.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The membership routes and commands reach the node's {@code join}/{@code leave} with a validated address and report
 * the node's outcome, whatever it is; a one-node cluster of its own, since a change it accepts alters membership.
 * Whether membership changes work end to end is the core's to test.
 */
class MembershipRoutesTest {
    private SkiffNode node;
    private HttpGateway gateway;
    private String base;

    @BeforeEach
    void startNodeAndGateway() throws Exception {
        node = Skiff.node("/ip4/127.0.0.1/udp/" + Ports.freeUdp(), SkiffOptions.defaults());
        node.start().get(30, TimeUnit.SECONDS);
        Await.value("the node to lead itself", node::state, state -> state == NodeState.LEADER);
        // A change that waits for an absent peer is cut short: the outcome, not the wait, is under test.
        gateway = HttpGateway.start(node, new GatewayOptions(new InetSocketAddress("127.0.0.1", 0), 2, 16,
            Duration.ofSeconds(1), SkiffOptions.DEFAULT_MAX_COMMAND_BYTES));
        base = "http://127.0.0.1:" + gateway.address().getPort();
    }

    @AfterEach
    void stop() {
        gateway.close();
        node.close();
    }

    @Test
    void joinAndLeaveRoutesTakeAnAddressAndAnswerWithTheNodesOutcomeInJson() {
        final String peer = "/ip4/127.0.0.1/udp/" + Ports.freeUdp();

        final Http.Reply join = Http.post(base + "/members", peer + "\n");
        final Http.Reply leave = Http.delete(base + "/members" + peer);
        final Http.Reply leaveEncoded = Http.delete(base + "/members/" + peer.replace("/", "%2F"));

        for (Http.Reply reply : List.of(join, leave, leaveEncoded)) {
            assertThat(reply.status()).as("%s", reply).isIn(200, 500, 503, 504);
            assertThat(reply.contentType()).startsWith("application/json");
            final Map<?, ?> body = (Map<?, ?>)Json.parse(reply.text());
            if (reply.status() == 200) {
                assertThat(body.values().toArray()).as("%s", reply).containsExactly(peer);
            } else {
                assertThat((String)body.get("error")).as("%s", reply).isNotBlank();
            }
        }
    }

    @Test
    void joiningAMemberAndLeavingANonMemberSucceedAsNoOps() throws Exception {
        final String self = node.address().toString();
        final String stranger = "/ip4/127.0.0.1/udp/" + Ports.freeUdp();

        final Http.Reply join = Http.post(base + "/members", self);
        final Http.Reply leave = Http.delete(base + "/members" + stranger);
        final Cli.Result joinCommand = Cli.run("join", self, "--node", base);
        final Cli.Result leaveCommand = Cli.run("leave", stranger, "--node", base);

        assertThat(join.status()).as("%s", join).isEqualTo(200);
        assertThat(((Map<?, ?>)Json.parse(join.text())).values().toArray()).containsExactly(self);
        assertThat(leave.status()).as("%s", leave).isEqualTo(200);
        assertThat(((Map<?, ?>)Json.parse(leave.text())).values().toArray()).containsExactly(stranger);
        assertThat(joinCommand.exitCode()).as("%s", joinCommand).isEqualTo(ExitCodes.OK);
        assertThat(leaveCommand.exitCode()).as("%s", leaveCommand).isEqualTo(ExitCodes.OK);
        assertThat(node.peers().get(10, TimeUnit.SECONDS).stream().map(peer -> peer.address().toString()))
            .doesNotContain(stranger);
    }

    @Test
    void membershipRoutesRefuseWhatIsNotAnAddress() {
        final Http.Reply join = Http.post(base + "/members", "10.0.0.1:9490");
        final Http.Reply emptyJoin = Http.post(base + "/members", "");
        final Http.Reply leave = Http.delete(base + "/members/ip4/10.0.0.1/udp/99999");

        assertThat(join.status()).isEqualTo(400);
        assertThat(join.text()).contains("invalid address '10.0.0.1:9490'");
        assertThat(emptyJoin.status()).isEqualTo(400);
        assertThat(leave.status()).isEqualTo(400);
        assertThat(leave.text()).contains("port '99999' is not a number from 1 to 65535");
    }

    @Test
    void joinAndLeaveCommandsReportTheNodesOutcome() {
        final String peer = "/ip4/127.0.0.1/udp/" + Ports.freeUdp();

        for (String command : List.of("join", "leave")) {
            final Cli.Result result = Cli.run(command, peer, "--node", base);

            assertThat(result.exitCode()).as("%s", result).isIn(ExitCodes.OK, ExitCodes.FAILED);
            if (result.exitCode() == ExitCodes.OK) {
                assertThat(result.out()).isEqualTo(("join".equals(command) ? "joined " : "left ") + peer + "\n");
            } else {
                assertThat(result.err()).as("%s", result).containsPattern("the node answered 5[0-9][0-9]: .+");
            }
        }
    }
}
