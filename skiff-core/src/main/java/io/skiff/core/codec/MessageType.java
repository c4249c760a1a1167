package io.skiff.core.codec;

/** Frame types. Values are part of the wire format: never renumber. */
public final class MessageType {
    public static final int APPEND_REQUEST = 1;
    public static final int APPEND_RESPONSE = 2;
    public static final int HEARTBEAT = 3;
    public static final int HEARTBEAT_RESPONSE = 4;
    public static final int VOTE_REQUEST = 5;
    public static final int VOTE_RESPONSE = 6;
    public static final int PRE_VOTE_REQUEST = 7;
    public static final int PRE_VOTE_RESPONSE = 8;
    public static final int TIMEOUT_NOW = 9;
    public static final int CLIENT_REQUEST = 10;
    public static final int CLIENT_REJECT = 11;
    public static final int READ_INDEX_REQUEST = 12;
    public static final int READ_INDEX_RESPONSE = 13;
    public static final int PEERS_REQUEST = 14;
    public static final int PEERS_RESPONSE = 15;
    public static final int INSTALL_SNAPSHOT = 16;
    public static final int INSTALL_SNAPSHOT_RESPONSE = 17;
    public static final int MEMBERSHIP_REQUEST = 18;
    public static final int MEMBERSHIP_RESPONSE = 19;

    /** One more than the highest type, for counter arrays indexed by type. */
    public static final int COUNT = 20;

    private static final String[] NAMES = {
        "Unknown", "AppendEntries", "AppendEntriesResponse", "Heartbeat", "HeartbeatResponse", "RequestVote",
        "RequestVoteResponse", "PreVote", "PreVoteResponse", "TimeoutNow", "ClientRequest", "ClientReject",
        "ReadIndex", "ReadIndexResponse", "Peers", "PeersResponse", "InstallSnapshot", "InstallSnapshotResponse",
        "Membership", "MembershipResponse"
    };

    private MessageType() {
    }

    /**
     * @param type a frame type.
     * @return whether a decoder knows it.
     */
    public static boolean isKnown(int type) {
        return type >= APPEND_REQUEST && type < COUNT;
    }

    /**
     * The Raft RPCs and their responses: AppendEntries, heartbeats, RequestVote, PreVote, InstallSnapshot and
     * TimeoutNow. Thesis §4.1: a server handles these from any server of its cluster, whether its configuration
     * lists the sender or not, since a server whose log is behind does not know the members added since.
     *
     * @param type a frame type.
     * @return whether it is one of them.
     */
    public static boolean isRaftRpc(int type) {
        return (type >= APPEND_REQUEST && type <= TIMEOUT_NOW) || type == INSTALL_SNAPSHOT
            || type == INSTALL_SNAPSHOT_RESPONSE;
    }

    /**
     * The answers to requests a node sends its leader: ClientReject, ReadIndexResponse, PeersResponse and
     * MembershipResponse.
     *
     * @param type a frame type.
     * @return whether it is one of them.
     */
    public static boolean isAnswer(int type) {
        return type == CLIENT_REJECT || type == READ_INDEX_RESPONSE || type == PEERS_RESPONSE
            || type == MEMBERSHIP_RESPONSE;
    }

    /**
     * @param type a frame type.
     * @return its name as shown in stats, e.g. {@code AppendEntries}.
     */
    public static String name(int type) {
        return isKnown(type) ? NAMES[type] : NAMES[0];
    }
}
