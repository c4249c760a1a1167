package io.skiff.core.codec;

import org.agrona.DirectBuffer;

/**
 * Maps a frame's sender address bytes to the receiver's peer object without allocating in the common case.
 *
 * @param <P> the peer type.
 */
@FunctionalInterface
public interface SenderResolver<P> {
    /**
     * @return the peer, or {@code null} when the address is not acceptable (malformed or refused).
     */
    P resolve(DirectBuffer buffer, int offset, int length);
}
