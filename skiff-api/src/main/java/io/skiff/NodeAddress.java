package io.skiff;

import java.util.Locale;

/**
 * A node's address in multiaddr style; it is also the node's identity in the cluster.
 *
 * <p>Accepted forms:
 * <ul>
 *   <li>{@code /ip4/127.0.0.1/udp/9490} — IPv4 host and port; the protocol ({@code udp} or {@code tcp}) picks the
 *   transport.</li>
 *   <li>{@code /ip6/::1/udp/9490} — IPv6 host and port.</li>
 *   <li>{@code /dns4/node-1.example/udp/9490} — a host name resolved by the transport.</li>
 *   <li>{@code /mem/NAME} — an in-memory address of the testkit's network, NAME of letters, digits, '.', '_' or
 *   '-'.</li>
 * </ul>
 * The canonical text ({@link #toString()}) is what the cluster compares, so {@code /ip4/127.0.0.1/udp/09490}
 * and {@code /ip4/127.0.0.1/udp/9490} are the same node.
 */
public final class NodeAddress implements Comparable<NodeAddress> {
    /** The longest canonical address accepted, in characters; addresses travel in every frame header. */
    public static final int MAX_LENGTH = 255;

    static final String FORMS = "/ip4/A.B.C.D/udp/PORT, /ip6/ADDR/udp/PORT, /dns4/HOST/udp/PORT (udp may be tcp) "
        + "or /mem/NAME";

    private final String kind;
    private final String host;
    private final String protocol;
    private final int port;
    private final String text;

    private NodeAddress(String kind, String host, String protocol, int port) {
        this.kind = kind;
        this.host = host;
        this.protocol = protocol;
        this.port = port;
        this.text = "mem".equals(kind) ? "/mem/" + host : "/" + kind + "/" + host + "/" + protocol + "/" + port;
    }

    /**
     * Parses an address.
     *
     * @param address the text, e.g. {@code /ip4/127.0.0.1/udp/9490}.
     * @return the parsed address.
     * @throws InvalidAddressException when the text has none of the accepted forms; the message says which part
     *                                 is wrong and shows the accepted forms.
     */
    public static NodeAddress parse(String address) {
        if (null == address) {
            throw invalid("null", "an address is required");
        }
        final String trimmed = address.trim();
        if (trimmed.length() > MAX_LENGTH) {
            throw invalid(address, "it is " + trimmed.length() + " characters long, the maximum is " + MAX_LENGTH);
        }
        if (!trimmed.startsWith("/")) {
            throw invalid(address, "it must start with '/'");
        }
        final String[] parts = trimmed.substring(1).split("/", -1);
        final String kind = parts[0].toLowerCase(Locale.ROOT);
        switch (kind) {
            case "mem":
                if (parts.length != 2) {
                    throw invalid(address, "a memory address has exactly one name part, /mem/NAME");
                }
                checkName(address, parts[1]);
                return new NodeAddress("mem", parts[1], "mem", 0);
            case "ip4":
            case "ip6":
            case "dns4":
                if (parts.length != 4) {
                    throw invalid(address, "expected 4 parts /" + kind + "/HOST/PROTOCOL/PORT, found " + parts.length);
                }
                final String host = checkHost(address, kind, parts[1]);
                final String protocol = parts[2].toLowerCase(Locale.ROOT);
                if (!"udp".equals(protocol) && !"tcp".equals(protocol)) {
                    throw invalid(address, "protocol '" + parts[2] + "' is not udp or tcp");
                }
                return new NodeAddress(kind, host, protocol, checkPort(address, parts[3]));
            default:
                throw invalid(address, "'" + parts[0] + "' is not one of ip4, ip6, dns4, mem");
        }
    }

    /** @return {@code ip4}, {@code ip6}, {@code dns4} or {@code mem}. */
    public String kind() {
        return kind;
    }

    /** @return the host (IP literal or name), or the name of a {@code /mem/NAME} address. */
    public String host() {
        return host;
    }

    /**
     * The transport protocol, which selects the {@link io.skiff.spi.TransportProvider}.
     *
     * @return {@code udp}, {@code tcp} or {@code mem}.
     */
    public String protocol() {
        return protocol;
    }

    /** @return the port, or 0 for a {@code /mem/NAME} address. */
    public int port() {
        return port;
    }

    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object other) {
        return this == other || (other instanceof NodeAddress && text.equals(((NodeAddress)other).text));
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public int compareTo(NodeAddress other) {
        return text.compareTo(other.text);
    }

    private static void checkName(String address, String name) {
        if (name.isEmpty()) {
            throw invalid(address, "the name after /mem/ is empty");
        }
        for (int i = 0; i < name.length(); i++) {
            final char c = name.charAt(i);
            if (!(Character.isLetterOrDigit(c) && c < 128) && c != '.' && c != '_' && c != '-') {
                throw invalid(address, "character '" + c + "' is not allowed in a name (letters, digits, . _ -)");
            }
        }
    }

    private static String checkHost(String address, String kind, String host) {
        if (host.isEmpty()) {
            throw invalid(address, "the host is empty");
        }
        switch (kind) {
            case "ip4":
                final String[] octets = host.split("\\.", -1);
                if (octets.length != 4) {
                    throw invalid(address, "'" + host + "' is not an IPv4 address A.B.C.D");
                }
                final StringBuilder canonical = new StringBuilder();
                for (String octet : octets) {
                    final int value = parseInt(octet, 3);
                    if (value < 0 || value > 255) {
                        throw invalid(address, "'" + host + "' is not an IPv4 address: each part is 0-255");
                    }
                    canonical.append(canonical.length() == 0 ? "" : ".").append(value);
                }
                return canonical.toString();
            case "ip6":
                if (!isIpv6(host)) {
                    throw invalid(address, "'" + host + "' is not an IPv6 address");
                }
                return host.toLowerCase(Locale.ROOT);
            default:
                if (host.length() > 253 || host.startsWith("-") || host.startsWith(".") || host.endsWith("-")) {
                    throw invalid(address, "'" + host + "' is not a valid DNS name");
                }
                for (int i = 0; i < host.length(); i++) {
                    final char c = host.charAt(i);
                    if (!(Character.isLetterOrDigit(c) && c < 128) && c != '.' && c != '-') {
                        throw invalid(address, "'" + host + "' is not a valid DNS name (letters, digits, '.', '-')");
                    }
                }
                return host.toLowerCase(Locale.ROOT);
        }
    }

    /** RFC 4291 text forms: eight groups of 1-4 hex digits, one "::" for a run of zeros, an IPv4 tail. */
    private static boolean isIpv6(String host) {
        final int compressed = host.indexOf("::");
        if (compressed != host.lastIndexOf("::") || host.contains(":::")) {
            return false;
        }
        final String[] sides = compressed < 0 ? new String[]{host}
            : new String[]{host.substring(0, compressed), host.substring(compressed + 2)};
        int groups = 0;
        for (int side = 0; side < sides.length; side++) {
            if (sides[side].isEmpty()) {
                continue;
            }
            final String[] parts = sides[side].split(":", -1);
            for (int i = 0; i < parts.length; i++) {
                final boolean last = side == sides.length - 1 && i == parts.length - 1;
                if (last && parts[i].contains(".")) {
                    final String[] octets = parts[i].split("\\.", -1);
                    if (octets.length != 4) {
                        return false;
                    }
                    for (String octet : octets) {
                        final int value = parseInt(octet, 3);
                        if (value < 0 || value > 255) {
                            return false;
                        }
                    }
                    groups += 2;
                } else if (parts[i].isEmpty() || parts[i].length() > 4 || !isHex(parts[i])) {
                    return false;
                } else {
                    groups++;
                }
            }
        }
        return compressed < 0 ? groups == 8 : groups <= 7;
    }

    private static boolean isHex(String text) {
        for (int i = 0; i < text.length(); i++) {
            final char c = text.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
                return false;
            }
        }
        return true;
    }

    private static int checkPort(String address, String text) {
        final int port = parseInt(text, 5);
        if (port < 1 || port > 65535) {
            throw invalid(address, "port '" + text + "' is not a number from 1 to 65535");
        }
        return port;
    }

    private static int parseInt(String text, int maxDigits) {
        if (text.isEmpty() || text.length() > maxDigits) {
            return -1;
        }
        int value = 0;
        for (int i = 0; i < text.length(); i++) {
            final char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static InvalidAddressException invalid(String address, String why) {
        return new InvalidAddressException(
            "invalid address '" + address + "': " + why + "; expected one of " + FORMS);
    }
}
