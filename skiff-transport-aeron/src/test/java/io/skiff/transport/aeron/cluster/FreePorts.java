package io.skiff.transport.aeron.cluster;

import io.skiff.NodeAddress;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;

/** Picks UDP ports on 127.0.0.1 that are free at the moment, by letting the kernel choose them. */
final class FreePorts {
    private FreePorts() {
    }

    /**
     * Binds {@code count} sockets to port 0 at once, so that the ports differ, then releases them. Another process
     * may take a port before a node binds it; callers that can retry with fresh ports do.
     *
     * @param count how many addresses.
     * @return {@code /ip4/127.0.0.1/udp/PORT} addresses.
     */
    static List<NodeAddress> addresses(int count) {
        final List<DatagramSocket> sockets = new ArrayList<>();
        try {
            final List<NodeAddress> addresses = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                final DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
                sockets.add(socket);
                addresses.add(NodeAddress.parse("/ip4/127.0.0.1/udp/" + socket.getLocalPort()));
            }
            return addresses;
        } catch (SocketException e) {
            throw new IllegalStateException("no free UDP port on 127.0.0.1", e);
        } finally {
            sockets.forEach(DatagramSocket::close);
        }
    }

    /** @return one address on a free port. */
    static NodeAddress address() {
        return addresses(1).get(0);
    }
}
