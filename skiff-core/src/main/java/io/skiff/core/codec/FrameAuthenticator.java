package io.skiff.core.codec;

import io.skiff.InvalidOptionsException;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.List;

/**
 * Signs and verifies frames with HMAC-SHA256 truncated to {@value FrameHeader#MAC_LENGTH} bytes, over the header
 * (cluster id included), the sender and the body. The first key signs; every key verifies, so keys rotate
 * without downtime in three rolling restarts: {@code [old, new]} everywhere (all accept the new key), then
 * {@code [new, old]} (all sign with it), then {@code [new]}.
 */
public final class FrameAuthenticator {
    /** The shortest key accepted, in bytes. */
    public static final int MIN_KEY_LENGTH = 16;

    private final Mac[] macs;
    private final byte[] digest = new byte[32];
    private ByteBuffer viewedBase;
    private ByteBuffer view;

    /**
     * @param keys the keys, the signing one first.
     * @throws InvalidOptionsException when there is no key or a key is shorter than {@value #MIN_KEY_LENGTH} bytes.
     */
    public FrameAuthenticator(List<byte[]> keys) {
        if (keys.isEmpty()) {
            throw new InvalidOptionsException("authentication needs at least one key");
        }
        macs = new Mac[keys.size()];
        for (int i = 0; i < macs.length; i++) {
            final byte[] key = keys.get(i);
            if (key.length < MIN_KEY_LENGTH) {
                throw new InvalidOptionsException("authentication key " + (i + 1) + " is " + key.length
                    + " bytes long; expected at least " + MIN_KEY_LENGTH);
            }
            try {
                macs[i] = Mac.getInstance("HmacSHA256");
                macs[i].init(new SecretKeySpec(key, "HmacSHA256"));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
            }
        }
    }

    /**
     * Marks a frame authenticated and appends its MAC.
     *
     * @return the frame's new length.
     */
    public int sign(MutableDirectBuffer buffer, int offset, int length) {
        buffer.putByte(offset + FrameHeader.FLAGS_OFFSET,
            (byte)(FrameHeader.flags(buffer, offset) | FrameHeader.FLAG_AUTHENTICATED));
        compute(macs[0], buffer, offset, length);
        buffer.putBytes(offset + length, digest, 0, FrameHeader.MAC_LENGTH);
        return length + FrameHeader.MAC_LENGTH;
    }

    /**
     * Checks a frame's MAC against every key.
     *
     * @param length the frame's length including its MAC.
     * @return whether one key produced the MAC the frame carries.
     */
    public boolean verify(DirectBuffer buffer, int offset, int length) {
        if ((FrameHeader.flags(buffer, offset) & FrameHeader.FLAG_AUTHENTICATED) == 0
            || length < FrameHeader.LENGTH + FrameHeader.MAC_LENGTH) {
            return false;
        }
        final int signed = length - FrameHeader.MAC_LENGTH;
        for (Mac mac : macs) {
            compute(mac, buffer, offset, signed);
            int difference = 0;
            for (int i = 0; i < FrameHeader.MAC_LENGTH; i++) {
                difference |= digest[i] ^ buffer.getByte(offset + signed + i);
            }
            if (difference == 0) {
                return true;
            }
        }
        return false;
    }

    private void compute(Mac mac, DirectBuffer buffer, int offset, int length) {
        final byte[] array = buffer.byteArray();
        if (null != array) {
            mac.update(array, (int)(buffer.addressOffset() - BufferUtil.ARRAY_BASE_OFFSET) + offset, length);
        } else {
            if (buffer.byteBuffer() != viewedBase) {
                viewedBase = buffer.byteBuffer();
                view = viewedBase.duplicate();
            }
            final int start = buffer.wrapAdjustment() + offset;
            view.limit(view.capacity()).position(start).limit(start + length);
            mac.update(view);
        }
        try {
            mac.doFinal(digest, 0);
        } catch (javax.crypto.ShortBufferException e) {
            throw new IllegalStateException(e);
        }
    }
}
