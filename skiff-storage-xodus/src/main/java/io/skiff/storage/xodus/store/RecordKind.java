package io.skiff.storage.xodus.store;

/**
 * What a stored record holds; its code is the second byte of every record header, so that a record found under the
 * wrong key or in the wrong store is recognised rather than misread.
 */
enum RecordKind {
    /** A Raft log entry: sequence = index, tag = term. */
    LOG_ENTRY('L', "log entry"),
    /** One record of a snapshot: sequence = record number, tag = snapshot id. */
    SNAPSHOT_RECORD('S', "snapshot record"),
    /** The storage format marker. */
    FORMAT('F', "format marker"),
    /** The log's compaction boundary and last entry. */
    LOG_BOUNDS('B', "log bounds"),
    /** Term, vote and initial membership. */
    PERSISTENT_STATE('P', "persistent state"),
    /** The latest committed snapshot's id and metadata. */
    SNAPSHOT('N', "snapshot pointer"),
    /** The id of a snapshot being staged. */
    SNAPSHOT_STAGING('T', "snapshot staging marker"),
    /** One entry of the key-value store: sequence = CRC32C of its key, tag = the generation of its store. */
    KV_ENTRY('V', "key-value entry"),
    /** The key-value store's generation and the applied index its entries reflect. */
    KV_STATE('K', "key-value state");

    private final byte code;
    private final String description;

    RecordKind(char code, String description) {
        this.code = (byte)code;
        this.description = description;
    }

    byte code() {
        return code;
    }

    String description() {
        return description;
    }

    static String describe(byte code) {
        for (RecordKind kind : values()) {
            if (kind.code == code) {
                return kind.description + " ('" + (char)code + "')";
            }
        }
        return "unknown kind 0x" + Integer.toHexString(code & 0xFF);
    }
}
