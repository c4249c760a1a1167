package io.skiff.transport.aeron.internal;

import io.skiff.NodeAddress;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** Turns node addresses into the {@code HOST:PORT} endpoints of Aeron channels, resolving names with the JDK. */
final class UdpEndpoints {
    private UdpEndpoints() {
    }

    /**
     * Checks that an address is one this transport serves.
     *
     * @param address the address.
     * @param role    what the address is for, for the message ("local address", "peer").
     * @throws IllegalArgumentException when it is not an {@code ip4}, {@code ip6} or {@code dns4} address with
     *                                  protocol {@code udp}.
     */
    static void requireUdp(NodeAddress address, String role) {
        if (!"udp".equals(address.protocol()) || "mem".equals(address.kind())) {
            throw new IllegalArgumentException(role + " " + address + " is not a udp address: expected "
                + "/ip4/HOST/udp/PORT, /ip6/HOST/udp/PORT or /dns4/NAME/udp/PORT");
        }
    }

    /**
     * Resolves an address to an endpoint. IP literals need no lookup; a {@code dns4} name is looked up with
     * {@link InetAddress#getAllByName}, which may block for as long as the system resolver takes.
     *
     * @param address a udp address.
     * @return {@code A.B.C.D:PORT} or {@code [IPV6]:PORT}.
     * @throws UnknownHostException when the name has no IPv4 address, or the literal does not parse.
     */
    static String endpoint(NodeAddress address) throws UnknownHostException {
        final InetAddress resolved;
        switch (address.kind()) {
            case "ip4":
            case "ip6":
                resolved = InetAddress.getByName(address.host());
                break;
            default:
                resolved = firstIpv4(address.host());
                break;
        }
        final String host = resolved.getHostAddress();
        return resolved instanceof Inet6Address ? "[" + host + "]:" + address.port() : host + ":" + address.port();
    }

    private static InetAddress firstIpv4(String name) throws UnknownHostException {
        for (InetAddress candidate : InetAddress.getAllByName(name)) {
            if (candidate instanceof Inet4Address) {
                return candidate;
            }
        }
        throw new UnknownHostException("'" + name + "' has no IPv4 address, expected one for a /dns4/ address");
    }
}
