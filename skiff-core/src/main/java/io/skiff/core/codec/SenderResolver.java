package io.skiff.core.codec;

import org.agrona.DirectBuffer;

/**
 * Maps a frame's sender address bytes to the receiver's peer object, without allocating for a sender it knows.
 * The decoder calls it only for a frame that passed every other check, so a resolver that admits a sender it did
 * not know (and allocates for it) never does so for a malformed or foreign frame.
 *
 * @param <P> the peer type.
 */
@FunctionalInterface
public interface SenderResolver<P> {
    /**
     * @param type   the frame's {@link MessageType}: whom a receiver accepts a message from may depend on it.
     * @param buffer holds the sender's address text.
     * @param offset where the address starts.
     * @param length its length in bytes.
     * @return the peer, or {@code null} when the sender is not acceptable for this type (malformed or refused); the
     * frame is then dropped as {@link FrameDecoder#UNKNOWN_SENDER}.
     */
    P resolve(int type, DirectBuffer buffer, int offset, int length);
}
