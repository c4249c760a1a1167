package io.skiff.core.raft;

import io.skiff.InvalidAddressException;
import io.skiff.NodeAddress;
import io.skiff.StorageException;
import org.agrona.DirectBuffer;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A cluster configuration (thesis §4.3): the voters, the learners (who receive the log but neither vote nor count
 * toward quorum), and during a joint change the outgoing voters, whose majority must agree too. Immutable; lists
 * are sorted so that equal configurations encode identically on every node.
 *
 * <pre>
 *   version(1) = 1 | voters(1) | learners(1) | outgoing(1) | then each address: length(1) ASCII
 * </pre>
 */
public final class Configuration {
    private static final int VERSION = 1;

    private final List<NodeAddress> voters;
    private final List<NodeAddress> learners;
    private final List<NodeAddress> outgoing;

    public Configuration(Collection<NodeAddress> voters, Collection<NodeAddress> learners,
        Collection<NodeAddress> outgoing) {
        this.voters = List.copyOf(new TreeSet<>(voters));
        this.learners = List.copyOf(new TreeSet<>(learners));
        this.outgoing = List.copyOf(new TreeSet<>(outgoing));
    }

    /** @return a configuration of these voters alone. */
    public static Configuration of(Collection<NodeAddress> voters) {
        return new Configuration(voters, List.of(), List.of());
    }

    public List<NodeAddress> voters() {
        return voters;
    }

    public List<NodeAddress> learners() {
        return learners;
    }

    /** @return the voters of the configuration being left during a joint change; empty otherwise. */
    public List<NodeAddress> outgoing() {
        return outgoing;
    }

    public boolean isJoint() {
        return !outgoing.isEmpty();
    }

    /** @return whether the node votes, in either half of a joint configuration. */
    public boolean isVoter(NodeAddress node) {
        return voters.contains(node) || outgoing.contains(node);
    }

    public boolean isLearner(NodeAddress node) {
        return learners.contains(node) && !isVoter(node);
    }

    public boolean contains(NodeAddress node) {
        return isVoter(node) || learners.contains(node);
    }

    /** @return every member, in address order. */
    public Set<NodeAddress> members() {
        final Set<NodeAddress> members = new TreeSet<>(voters);
        members.addAll(learners);
        members.addAll(outgoing);
        return members;
    }

    public byte[] encode() {
        int length = 4;
        final List<byte[]> addresses = new ArrayList<>();
        for (List<NodeAddress> list : List.of(voters, learners, outgoing)) {
            for (NodeAddress address : list) {
                final byte[] bytes = address.toString().getBytes(StandardCharsets.US_ASCII);
                addresses.add(bytes);
                length += 1 + bytes.length;
            }
        }
        final ByteBuffer out = ByteBuffer.allocate(length);
        out.put((byte)VERSION).put((byte)voters.size()).put((byte)learners.size()).put((byte)outgoing.size());
        for (byte[] address : addresses) {
            out.put((byte)address.length).put(address);
        }
        return out.array();
    }

    /**
     * Decodes an encoded configuration, validating every length and address.
     *
     * @throws StorageException when the bytes are not a configuration.
     */
    public static Configuration decode(DirectBuffer buffer, int offset, int length) {
        if (length < 4 || (buffer.getByte(offset) & 0xFF) != VERSION) {
            throw new StorageException("not a cluster configuration: expected version " + VERSION + " and 4 header "
                + "bytes, got " + length + " bytes");
        }
        final int[] counts = {buffer.getByte(offset + 1) & 0xFF, buffer.getByte(offset + 2) & 0xFF,
            buffer.getByte(offset + 3) & 0xFF};
        final List<List<NodeAddress>> lists = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        int position = offset + 4;
        final int end = offset + length;
        for (int list = 0; list < 3; list++) {
            for (int i = 0; i < counts[list]; i++) {
                if (position >= end) {
                    throw new StorageException("cluster configuration truncated: expected " + counts[list]
                        + " addresses in list " + list);
                }
                final int addressLength = buffer.getByte(position) & 0xFF;
                if (addressLength == 0 || position + 1 + addressLength > end) {
                    throw new StorageException("cluster configuration has an address of " + addressLength
                        + " bytes where " + (end - position - 1) + " remain");
                }
                try {
                    lists.get(list).add(NodeAddress.parse(buffer.getStringWithoutLengthAscii(position + 1,
                        addressLength)));
                } catch (InvalidAddressException e) {
                    throw new StorageException("cluster configuration holds an invalid address: " + e.getMessage(),
                        e);
                }
                position += 1 + addressLength;
            }
        }
        if (position != end) {
            throw new StorageException("cluster configuration has " + (end - position) + " bytes after its last "
                + "address");
        }
        return new Configuration(lists.get(0), lists.get(1), lists.get(2));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Configuration c && voters.equals(c.voters) && learners.equals(c.learners)
            && outgoing.equals(c.outgoing);
    }

    @Override
    public int hashCode() {
        return voters.hashCode() * 31 + learners.hashCode() * 7 + outgoing.hashCode();
    }

    @Override
    public String toString() {
        return "voters=" + voters + (learners.isEmpty() ? "" : " learners=" + learners)
            + (outgoing.isEmpty() ? "" : " outgoing=" + outgoing);
    }
}
