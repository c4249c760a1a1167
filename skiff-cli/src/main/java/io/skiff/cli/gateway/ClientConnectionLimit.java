package io.skiff.cli.gateway;

import org.eclipse.jetty.io.Connection;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bounds the connections one IP address holds open, so that a single client cannot take every slot of the server's
 * total bound ({@link HttpLimits#maxConnections()}). A connection over the bound is closed as soon as it opens,
 * before it is read. Jetty offers a total bound and per-client request-rate limits, but no per-client connection
 * bound.
 */
final class ClientConnectionLimit implements Connection.Listener {
    private final int maxPerClient;
    private final Map<InetAddress, Integer> open = new ConcurrentHashMap<>();
    /** Whose each connection is: a closed connection no longer knows its remote address. */
    private final Map<Connection, InetAddress> clients = new ConcurrentHashMap<>();

    ClientConnectionLimit(int maxPerClient) {
        this.maxPerClient = maxPerClient;
    }

    @Override
    public void onOpened(Connection connection) {
        final InetAddress client = client(connection);
        if (null == client) {
            return;
        }
        clients.put(connection, client);
        if (open.merge(client, 1, Integer::sum) > maxPerClient) {
            connection.getEndPoint().close();
        }
    }

    @Override
    public void onClosed(Connection connection) {
        final InetAddress client = clients.remove(connection);
        if (null != client) {
            open.computeIfPresent(client, (address, count) -> count == 1 ? null : count - 1);
        }
    }

    private static InetAddress client(Connection connection) {
        final SocketAddress remote = connection.getEndPoint().getRemoteSocketAddress();
        return remote instanceof InetSocketAddress ? ((InetSocketAddress)remote).getAddress() : null;
    }
}
