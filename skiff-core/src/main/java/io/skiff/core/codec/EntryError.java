package io.skiff.core.codec;

/** Why an entry failed validation; negative so that they share a return value with lengths. */
public final class EntryError {
    public static final int TRUNCATED = -1;
    public static final int UNKNOWN_TYPE = -2;
    public static final int WRONG_INDEX = -3;
    public static final int BAD_TERM = -4;
    public static final int CHECKSUM = -5;

    private EntryError() {
    }

    /**
     * @param code a negative result of {@link LogEntry#validate}.
     * @return what it means.
     */
    public static String describe(int code) {
        switch (code) {
            case TRUNCATED:
                return "entry truncated: its length runs past the data";
            case UNKNOWN_TYPE:
                return "unknown entry type";
            case WRONG_INDEX:
                return "entry carries another index than its position";
            case BAD_TERM:
                return "entry term is not positive";
            case CHECKSUM:
                return "entry checksum mismatch";
            default:
                return "unknown entry error " + code;
        }
    }
}
