package io.skiff.faults;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reading a gateway's {@code /status}: the node's own fields, not those of the members it lists. */
class NodeStatusTest {
    @Test
    void readsTheNodesOwnFieldsAndCountsTheVotersItsLeaderReports() {
        final NodeStatus status = NodeStatus.parse("{\"address\":\"/ip4/127.0.0.1/udp/1\",\"role\":\"FOLLOWER\","
            + "\"term\":7,\"leader\":\"/ip4/127.0.0.1/udp/2\",\"commitIndex\":41,\"appliedIndex\":40,\"firstIndex\":1,"
            + "\"lastIndex\":41,\"members\":[{\"address\":\"/ip4/127.0.0.1/udp/2\",\"role\":\"LEADER\"},"
            + "{\"address\":\"/ip4/127.0.0.1/udp/1\",\"role\":\"FOLLOWER\"},"
            + "{\"address\":\"/ip4/127.0.0.1/udp/3\",\"role\":\"LEARNER\"}]}");

        assertThat(status).isEqualTo(new NodeStatus("FOLLOWER", 7, "/ip4/127.0.0.1/udp/2", 41, 40, 2));
        assertThat(status.isLeader()).isFalse();
    }

    @Test
    void aNodeWithoutLeaderHasNoLeaderAndNoMembers() {
        final NodeStatus status = NodeStatus.parse("{\"address\": \"/ip4/127.0.0.1/udp/1\", \"role\": "
            + "\"PRE_CANDIDATE\", \"term\": 3, \"leader\": null, \"commitIndex\": 9, \"appliedIndex\": 9, "
            + "\"members\": null, \"membersError\": \"no leader\"}");

        assertThat(status).isEqualTo(new NodeStatus("PRE_CANDIDATE", 3, null, 9, 9, -1));
    }

    @Test
    void aStatusWithoutAFieldIsRefusedNamingIt() {
        assertThatThrownBy(() -> NodeStatus.parse("{\"role\": \"LEADER\", \"term\": 1}"))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no field 'leader'");
    }
}
