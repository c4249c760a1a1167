package io.skiff.spi;

import java.nio.ByteBuffer;

/** Receives frames from {@link Transport#poll}. */
@FunctionalInterface
public interface FrameHandler {
    /**
     * Handles one frame.
     *
     * @param frame the frame between position and limit; valid only during this call and may be a view of the
     *              transport's own buffer.
     */
    void onFrame(ByteBuffer frame);
}
