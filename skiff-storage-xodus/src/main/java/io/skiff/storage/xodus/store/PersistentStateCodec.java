package io.skiff.storage.xodus.store;

import io.skiff.InvalidAddressException;
import io.skiff.NodeAddress;
import io.skiff.spi.PersistentState;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Payload of the persistent state record.
 *
 * <pre>
 *  flags (int8: 1 = cluster id present, 2 = voted for present) | term (int64)
 *  [cluster id] [voted for] | member count (int32) | members...
 * </pre>
 * Strings are an unsigned 16-bit length and UTF-8 bytes; addresses are in their text form.
 */
final class PersistentStateCodec {
    private static final int HAS_CLUSTER_ID = 1;
    private static final int HAS_VOTED_FOR = 2;

    private PersistentStateCodec() {
    }

    static byte[] encode(PersistentState state) {
        final List<byte[]> strings = new ArrayList<>();
        int flags = 0;
        if (null != state.clusterId()) {
            flags |= HAS_CLUSTER_ID;
            strings.add(utf8(state.clusterId()));
        }
        if (null != state.votedFor()) {
            flags |= HAS_VOTED_FOR;
            strings.add(utf8(state.votedFor().toString()));
        }
        for (NodeAddress member : state.members()) {
            strings.add(utf8(member.toString()));
        }
        int size = 1 + Long.BYTES + Integer.BYTES;
        for (byte[] string : strings) {
            size += Short.BYTES + string.length;
        }
        final ByteBuffer out = ByteBuffer.allocate(size);
        out.put((byte)flags).putLong(state.term());
        int next = 0;
        if ((flags & HAS_CLUSTER_ID) != 0) {
            putString(out, strings.get(next++));
        }
        if ((flags & HAS_VOTED_FOR) != 0) {
            putString(out, strings.get(next++));
        }
        out.putInt(state.members().size());
        while (next < strings.size()) {
            putString(out, strings.get(next++));
        }
        return out.array();
    }

    /**
     * @param in the verified payload.
     * @return the state.
     * @throws IllegalArgumentException describing what does not decode.
     */
    static PersistentState decode(ByteBuffer in) {
        try {
            final int flags = in.get();
            if ((flags & ~(HAS_CLUSTER_ID | HAS_VOTED_FOR)) != 0) {
                throw new IllegalArgumentException("unknown flags 0x" + Integer.toHexString(flags & 0xFF));
            }
            final long term = in.getLong();
            final String clusterId = (flags & HAS_CLUSTER_ID) != 0 ? getString(in) : null;
            final NodeAddress votedFor = (flags & HAS_VOTED_FOR) != 0 ? NodeAddress.parse(getString(in)) : null;
            final int count = in.getInt();
            if (count < 0 || count > in.remaining() / Short.BYTES) {
                throw new IllegalArgumentException("member count " + count + " does not fit in the "
                    + in.remaining() + " remaining bytes");
            }
            final List<NodeAddress> members = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                members.add(NodeAddress.parse(getString(in)));
            }
            if (in.hasRemaining()) {
                throw new IllegalArgumentException(in.remaining() + " bytes follow the last member");
            }
            return new PersistentState(clusterId, term, votedFor, members);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("the payload ends early", e);
        } catch (InvalidAddressException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private static byte[] utf8(String text) {
        final byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > 0xFFFF) {
            throw new IllegalArgumentException("a string of persistent state is " + bytes.length
                + " UTF-8 bytes long, the maximum is 65535");
        }
        return bytes;
    }

    private static void putString(ByteBuffer out, byte[] bytes) {
        out.putShort((short)bytes.length).put(bytes);
    }

    private static String getString(ByteBuffer in) {
        final int length = Short.toUnsignedInt(in.getShort());
        if (length > in.remaining()) {
            throw new IllegalArgumentException("a string of " + length + " bytes does not fit in the "
                + in.remaining() + " remaining bytes");
        }
        final String text = new String(in.array(), in.arrayOffset() + in.position(), length, StandardCharsets.UTF_8);
        in.position(in.position() + length);
        return text;
    }
}
