package io.skiff.faults;

import java.nio.file.Path;

/**
 * One node of a fault-test cluster: its Raft address on UDP, its gateway's port and its directories.
 *
 * @param index    1-based, for messages and file names.
 * @param udpPort  the Raft port of its {@code --address} on 127.0.0.1.
 * @param httpPort its gateway's port on 127.0.0.1.
 * @param data     its {@code --data} directory.
 */
public record Member(int index, int udpPort, int httpPort, Path data) {
    /** @return the node's address and identity, e.g. {@code /ip4/127.0.0.1/udp/40123}. */
    public String address() {
        return "/ip4/127.0.0.1/udp/" + udpPort;
    }

    /** @return the gateway's base URL. */
    public String url() {
        return "http://127.0.0.1:" + httpPort;
    }

    @Override
    public String toString() {
        return "node " + index + " (" + address() + ")";
    }
}
