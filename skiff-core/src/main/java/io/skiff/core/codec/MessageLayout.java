package io.skiff.core.codec;

/**
 * Body layouts of every frame type, as offsets from the start of the body (little-endian). Fixed-size bodies must
 * have exactly their length; variable ones at least their fixed part.
 *
 * <pre>
 *  AppendEntries          prevIndex(8) prevTerm(8) commit(8) count(4) entries...
 *  AppendEntriesResponse  success(1) pad(7) index(8) hintIndex(8) hintTerm(8)
 *                         index: on success the last index matched; on rejection the prevIndex rejected
 *  Heartbeat              commit(8) readSeq(8)
 *  HeartbeatResponse      readSeq(8)
 *  RequestVote / PreVote  lastIndex(8) lastTerm(8) flags(1)          flag 1: leadership transfer
 *  (Pre)VoteResponse      granted(1)
 *  TimeoutNow             (empty)
 *  ClientRequest          count(4) then per command: length(4) payload (a {@link ClientCommand})
 *  ClientReject           leaderLength(1) leader address
 *  ReadIndex              requestId(8)
 *  ReadIndexResponse      requestId(8) readIndex(8) success(1)
 *  Peers                  requestId(8)
 *  PeersResponse          requestId(8) count(4) then per peer: addressLength(1) address state(1) connected(1)
 *                         matchIndex(8) nextIndex(8) sentAgoNs(8) receivedAgoNs(8)
 *  InstallSnapshot        snapshotIndex(8) snapshotTerm(8) offset(8) flags(1) pad(3) configLength(4)
 *                         recordCount(4) configuration, then per record: length(4) record
 *                         flag 1: last chunk
 *  InstallSnapshotResponse snapshotIndex(8) snapshotTerm(8) nextOffset(8) success(1)
 *  Membership             requestId(8) operation(1) addressLength(1) address
 *                         operation 1: join, 2: leave, 3: transfer leadership
 *  MembershipResponse     requestId(8) status(1) messageLength(2) message (UTF-8)
 * </pre>
 */
public final class MessageLayout {
    public static final int APPEND_PREV_INDEX = 0;
    public static final int APPEND_PREV_TERM = 8;
    public static final int APPEND_COMMIT = 16;
    public static final int APPEND_COUNT = 24;
    public static final int APPEND_ENTRIES = 28;

    public static final int APPEND_RESPONSE_SUCCESS = 0;
    public static final int APPEND_RESPONSE_INDEX = 8;
    public static final int APPEND_RESPONSE_HINT_INDEX = 16;
    public static final int APPEND_RESPONSE_HINT_TERM = 24;
    public static final int APPEND_RESPONSE_LENGTH = 32;

    public static final int HEARTBEAT_COMMIT = 0;
    public static final int HEARTBEAT_READ_SEQ = 8;
    public static final int HEARTBEAT_LENGTH = 16;

    public static final int HEARTBEAT_RESPONSE_READ_SEQ = 0;
    public static final int HEARTBEAT_RESPONSE_LENGTH = 8;

    public static final int VOTE_LAST_INDEX = 0;
    public static final int VOTE_LAST_TERM = 8;
    public static final int VOTE_FLAGS = 16;
    /** The candidate's election round, echoed by the answer so that answers of an earlier round are not counted. */
    public static final int VOTE_ROUND = 17;
    public static final int VOTE_LENGTH = 25;
    public static final int VOTE_FLAG_TRANSFER = 1;

    public static final int VOTE_RESPONSE_GRANTED = 0;
    public static final int VOTE_RESPONSE_ROUND = 1;
    public static final int VOTE_RESPONSE_LENGTH = 9;

    public static final int CLIENT_REQUEST_COUNT = 0;
    public static final int CLIENT_REQUEST_COMMANDS = 4;

    public static final int CLIENT_REJECT_LEADER_LENGTH = 0;
    public static final int CLIENT_REJECT_LEADER = 1;

    public static final int READ_INDEX_REQUEST_ID = 0;
    public static final int READ_INDEX_LENGTH = 8;

    public static final int READ_INDEX_RESPONSE_REQUEST_ID = 0;
    public static final int READ_INDEX_RESPONSE_INDEX = 8;
    public static final int READ_INDEX_RESPONSE_SUCCESS = 16;
    public static final int READ_INDEX_RESPONSE_LENGTH = 17;

    public static final int PEERS_REQUEST_ID = 0;
    public static final int PEERS_LENGTH = 8;

    public static final int PEERS_RESPONSE_REQUEST_ID = 0;
    public static final int PEERS_RESPONSE_COUNT = 8;
    public static final int PEERS_RESPONSE_PEERS = 12;
    /** Bytes of one peer entry after its address. */
    public static final int PEERS_RESPONSE_PEER_FIXED = 1 + 1 + 8 + 8 + 8 + 8;

    public static final int SNAPSHOT_INDEX = 0;
    public static final int SNAPSHOT_TERM = 8;
    public static final int SNAPSHOT_OFFSET = 16;
    public static final int SNAPSHOT_FLAGS = 24;
    public static final int SNAPSHOT_CONFIG_LENGTH = 28;
    public static final int SNAPSHOT_RECORD_COUNT = 32;
    public static final int SNAPSHOT_CONFIG = 36;
    public static final int SNAPSHOT_FLAG_LAST = 1;

    public static final int SNAPSHOT_RESPONSE_INDEX = 0;
    public static final int SNAPSHOT_RESPONSE_TERM = 8;
    public static final int SNAPSHOT_RESPONSE_NEXT_OFFSET = 16;
    public static final int SNAPSHOT_RESPONSE_SUCCESS = 24;
    public static final int SNAPSHOT_RESPONSE_LENGTH = 25;

    public static final int MEMBERSHIP_REQUEST_ID = 0;
    public static final int MEMBERSHIP_OPERATION = 8;
    public static final int MEMBERSHIP_ADDRESS_LENGTH = 9;
    public static final int MEMBERSHIP_ADDRESS = 10;
    public static final int MEMBERSHIP_JOIN = 1;
    public static final int MEMBERSHIP_LEAVE = 2;
    public static final int MEMBERSHIP_TRANSFER = 3;

    public static final int MEMBERSHIP_RESPONSE_REQUEST_ID = 0;
    public static final int MEMBERSHIP_RESPONSE_STATUS = 8;
    public static final int MEMBERSHIP_RESPONSE_MESSAGE_LENGTH = 9;
    public static final int MEMBERSHIP_RESPONSE_MESSAGE = 11;

    private MessageLayout() {
    }
}
