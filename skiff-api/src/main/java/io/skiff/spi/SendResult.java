package io.skiff.spi;

/** Outcome of {@link Transport#send}; expected outcomes are values, not exceptions. */
public enum SendResult {
    /** The frame was handed to the network. */
    SENT,
    /** No connection to the peer (yet); the frame was dropped. */
    NOT_CONNECTED,
    /** The transport's buffers are full; the frame was dropped and may be retried later. */
    BACK_PRESSURED,
    /** The transport is closed. */
    CLOSED
}
