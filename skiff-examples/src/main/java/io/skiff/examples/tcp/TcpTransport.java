package io.skiff.examples.tcp;

import io.skiff.NodeAddress;
import io.skiff.SkiffException;
import io.skiff.spi.FrameHandler;
import io.skiff.spi.SendResult;
import io.skiff.spi.Transport;
import io.skiff.spi.TransportContext;
import io.skiff.spi.TransportListener;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A node's {@code tcp} transport: a listening socket for frames from peers, and one outgoing connection per peer for
 * frames to it, all non-blocking and driven by the node's loop through {@link #poll}.
 *
 * <p><b>Threads.</b> The transport has no thread of its own. The SPI promises that only the node's loop calls
 * {@link #send}, {@link #poll}, {@link #connect} and {@link #disconnect}, so none of its state is locked; the one
 * exception is {@link #stats()}, which reads atomic counters. {@link #poll} never blocks: it uses
 * {@link Selector#selectNow(Consumer)}, and the node's own idle strategy decides how long to wait between polls.
 *
 * <p><b>Streams.</b> Each connection carries {@link #PREAMBLE} and then frames, each a 4-byte big-endian length and
 * that many bytes. TCP delivers the bytes in order or breaks the connection, so frames need no other envelope; the
 * node checks each frame's header, checksums and authentication itself. A stream that does not start with the
 * preamble, or announces a length outside 0..{@link #maxFrameLength()}, cannot be re-synchronised and is closed with
 * a warning.
 *
 * <p><b>Connections.</b> {@link #connect} starts dialling at once; the listener hears
 * {@link TransportListener#onConnected} when the connection is established and
 * {@link TransportListener#onDisconnected} when an established one breaks, exactly once each. A broken or refused
 * connection is dialled again after a back-off that doubles from {@link TcpTransportOptions#reconnectMin()} to
 * {@link TcpTransportOptions#reconnectMax()}, until {@link #disconnect} or {@link #close}. While not connected,
 * {@link #send} returns {@link SendResult#NOT_CONNECTED} and the node retries at its own pace.
 *
 * <p><b>Sending.</b> {@link #send} appends the frame to the peer's queue and writes what the socket takes; the rest
 * goes out as the socket drains ({@code OP_WRITE}). When the queue is full the send is
 * {@link SendResult#BACK_PRESSURED}: the node keeps the entries and sends them again later, so the transport never
 * has to buffer without bound. Frames queued on a connection that breaks are lost, which Raft tolerates.
 */
final class TcpTransport implements Transport {
    /** The first bytes of every connection: "SKT" and a format version. */
    static final byte[] PREAMBLE = "SKT1".getBytes(StandardCharsets.US_ASCII);
    /** Bytes of the length written before each frame. */
    static final int LENGTH_PREFIX_BYTES = Integer.BYTES;

    private static final int ACCEPT_BACKLOG = 64;

    private final NodeAddress localAddress;
    private final TransportListener listener;
    private final TcpTransportOptions options;
    private final Selector selector;
    private final ServerSocketChannel server;
    private final Map<NodeAddress, OutboundLink> linkByPeer = new HashMap<>();
    /** The same links as {@link #linkByPeer}, in a list that can be walked by index without an iterator. */
    private final List<OutboundLink> links = new ArrayList<>();
    private final List<InboundConnection> inbound = new ArrayList<>();
    private final TcpCounters counters = new TcpCounters();
    /** A method reference made once, so that selecting allocates nothing per poll. */
    private final Consumer<SelectionKey> onReady = this::onReady;
    /** Peers never write on our outgoing connections; a read there only detects that the peer closed it. */
    private final ByteBuffer discard = ByteBuffer.allocateDirect(256);
    private final long reconnectMinNs;
    private final long reconnectMaxNs;
    private final long stallTimeoutNs;
    private long nowNs;
    private int nextInbound;
    private volatile boolean closed;

    private TcpTransport(TransportContext context, TcpTransportOptions options, Selector selector,
        ServerSocketChannel server) {
        this.localAddress = context.localAddress();
        this.listener = context.listener();
        this.options = options;
        this.selector = selector;
        this.server = server;
        this.reconnectMinNs = options.reconnectMin().toNanos();
        this.reconnectMaxNs = options.reconnectMax().toNanos();
        this.stallTimeoutNs = options.stallTimeout().toNanos();
    }

    /**
     * Opens a node's transport, listening on the host and port of its address.
     *
     * @param context the node's address, options and listener.
     * @return the open transport.
     * @throws IllegalArgumentException when the address is not a tcp address.
     * @throws SkiffException           when the address cannot be resolved or bound (for example, the port is in use).
     */
    static TcpTransport open(TransportContext context) {
        final NodeAddress local = context.localAddress();
        requireTcp(local, "local address");
        final TcpTransportOptions options = context.options().providerOptions(TcpTransportOptions.class)
            .orElse(TcpTransportOptions.defaults());
        Selector selector = null;
        ServerSocketChannel server = null;
        try {
            final InetSocketAddress bindTo = resolve(local);
            selector = Selector.open();
            server = ServerSocketChannel.open();
            // A node restarted on its address must not wait for the old connections' TIME_WAIT to expire.
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(bindTo, ACCEPT_BACKLOG);
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT);
            return new TcpTransport(context, options, selector, server);
        } catch (IOException e) {
            closeQuietly(server);
            closeQuietly(selector);
            throw new SkiffException("cannot listen on " + local + ": " + e, e);
        }
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException when the frame is longer than {@link #maxFrameLength()}.
     */
    @Override
    public SendResult send(NodeAddress peer, ByteBuffer frame) {
        final int length = frame.remaining();
        if (length > options.maxFrameLength()) {
            throw new IllegalArgumentException("frame of " + length + " bytes to " + peer + " is longer than "
                + "maxFrameLength " + options.maxFrameLength());
        }
        if (closed) {
            return SendResult.CLOSED;
        }
        final OutboundLink link = linkByPeer.get(peer);
        if (null == link || link.state != OutboundLink.State.CONNECTED) {
            counters.increment(TcpCounters.SEND_NOT_CONNECTED);
            return SendResult.NOT_CONNECTED;
        }
        nowNs = System.nanoTime();
        if (!link.enqueue(frame, nowNs)) {
            // The queue is full; the socket may have drained since the last poll.
            flush(link);
            if (link.state != OutboundLink.State.CONNECTED) {
                counters.increment(TcpCounters.SEND_NOT_CONNECTED);
                return SendResult.NOT_CONNECTED;
            }
            if (!link.enqueue(frame, nowNs)) {
                counters.increment(TcpCounters.SEND_BACK_PRESSURED);
                return SendResult.BACK_PRESSURED;
            }
        }
        counters.increment(TcpCounters.FRAMES_SENT);
        counters.add(TcpCounters.BYTES_SENT, length);
        // Writing now rather than at the next poll saves a duty cycle of latency; TCP_NODELAY sends it at once.
        flush(link);
        return SendResult.SENT;
    }

    @Override
    public int poll(FrameHandler handler, int frameLimit) {
        if (closed || frameLimit <= 0) {
            return 0;
        }
        nowNs = System.nanoTime();
        maintainLinks();
        try {
            selector.selectNow(onReady);
        } catch (IOException e) {
            listener.onWarning("tcp transport of " + localAddress + " could not select: " + e, e);
        }
        return deliver(handler, frameLimit);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Starts dialling at once and returns; the connection completes in a later {@link #poll}. A {@code /dns4/}
     * name is resolved here with the JDK's resolver, which may block; a name that does not resolve is reported as a
     * warning and tried again after the back-off.
     *
     * @throws IllegalArgumentException when the peer is not a tcp address.
     */
    @Override
    public void connect(NodeAddress peer) {
        requireTcp(peer, "peer");
        if (closed || linkByPeer.containsKey(peer)) {
            return;
        }
        final OutboundLink link = new OutboundLink(peer, options.sendBufferBytes(), reconnectMinNs);
        linkByPeer.put(peer, link);
        links.add(link);
        nowNs = System.nanoTime();
        dial(link);
    }

    @Override
    public void disconnect(NodeAddress peer) {
        final OutboundLink link = linkByPeer.remove(peer);
        if (null == link) {
            return;
        }
        links.remove(link);
        final boolean wasConnected = link.state == OutboundLink.State.CONNECTED;
        link.reset();
        if (wasConnected) {
            counters.increment(TcpCounters.DISCONNECTS);
            listener.onDisconnected(peer);
        }
    }

    @Override
    public Map<String, Long> stats() {
        return counters.snapshot();
    }

    @Override
    public int maxFrameLength() {
        return options.maxFrameLength();
    }

    /** Closes every connection and the listening socket; idempotent. No disconnection is reported: the node stops. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int i = 0; i < links.size(); i++) {
            links.get(i).reset();
        }
        for (int i = 0; i < inbound.size(); i++) {
            inbound.get(i).close();
        }
        links.clear();
        linkByPeer.clear();
        inbound.clear();
        closeQuietly(server);
        closeQuietly(selector);
    }

    /** @return the address this transport listens on. */
    NodeAddress localAddress() {
        return localAddress;
    }

    /** @return the counters, for tests. */
    TcpCounters counters() {
        return counters;
    }

    /** @return whether the outgoing connection to the peer is established, for tests. */
    boolean isConnected(NodeAddress peer) {
        final OutboundLink link = linkByPeer.get(peer);
        return null != link && link.state == OutboundLink.State.CONNECTED;
    }

    // ---------------------------------------------------------------- outgoing connections

    /** Dials links whose back-off is over and drops links that made no progress for the stall timeout. */
    private void maintainLinks() {
        for (int i = 0; i < links.size(); i++) {
            final OutboundLink link = links.get(i);
            switch (link.state) {
                case WAITING:
                    if (nowNs - link.retryAtNs >= 0) {
                        dial(link);
                    }
                    break;
                case CONNECTING:
                    // The kernel would keep trying a silent host for minutes; our back-off is the better judge.
                    if (nowNs - link.lastProgressNs > stallTimeoutNs) {
                        failed(link, new IOException("no answer within " + options.stallTimeout().toMillis() + " ms"));
                    }
                    break;
                default:
                    if (link.hasPending() && nowNs - link.lastProgressNs > stallTimeoutNs) {
                        // A peer whose machine vanished never closes the connection; a queue that does not drain
                        // is the only sign.
                        failed(link, new IOException("no bytes accepted for " + options.stallTimeout().toMillis()
                            + " ms"));
                    }
                    break;
            }
        }
    }

    private void dial(OutboundLink link) {
        try {
            final InetSocketAddress remote = resolve(link.peer);
            final SocketChannel channel = SocketChannel.open();
            link.channel = channel;
            link.state = OutboundLink.State.CONNECTING;
            link.lastProgressNs = nowNs;
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            if (channel.connect(remote)) {
                link.key = channel.register(selector, SelectionKey.OP_READ, link);
                established(link);
            } else {
                link.key = channel.register(selector, SelectionKey.OP_CONNECT, link);
            }
        } catch (UnknownHostException e) {
            listener.onWarning("tcp transport of " + localAddress + " cannot resolve " + link.peer + ": " + e, e);
            failed(link, e);
        } catch (IOException e) {
            failed(link, e);
        }
    }

    private void established(OutboundLink link) throws IOException {
        link.state = OutboundLink.State.CONNECTED;
        link.backoffNs = reconnectMinNs;
        link.pending.clear();
        link.pending.put(PREAMBLE);
        link.lastProgressNs = nowNs;
        counters.increment(TcpCounters.CONNECTS);
        listener.onConnected(link.peer);
        link.flush(nowNs);
    }

    private void onOutboundReady(OutboundLink link, SelectionKey key) {
        try {
            if (key.isConnectable()) {
                link.channel.finishConnect();
                key.interestOps(SelectionKey.OP_READ);
                established(link);
            }
            if (key.isValid() && key.isReadable()) {
                discard.clear();
                if (link.channel.read(discard) < 0) {
                    throw new EOFException("closed by " + link.peer);
                }
            }
            if (key.isValid() && key.isWritable()) {
                link.flush(nowNs);
            }
        } catch (IOException e) {
            failed(link, e);
        }
    }

    private void flush(OutboundLink link) {
        try {
            link.flush(nowNs);
        } catch (IOException e) {
            failed(link, e);
        }
    }

    /** Drops a broken, refused or stalled connection and schedules the next attempt. */
    private void failed(OutboundLink link, IOException cause) {
        final boolean wasConnected = link.state == OutboundLink.State.CONNECTED;
        link.reset();
        link.retryAtNs = nowNs + link.backoffNs;
        link.backoffNs = Math.min(link.backoffNs * 2, reconnectMaxNs);
        if (wasConnected) {
            counters.increment(TcpCounters.DISCONNECTS);
            listener.onDisconnected(link.peer);
        } else {
            counters.increment(TcpCounters.CONNECT_FAILURES);
        }
    }

    // ---------------------------------------------------------------- incoming connections

    private void onReady(SelectionKey key) {
        final Object attachment = key.attachment();
        if (!key.isValid()) {
            return;
        }
        if (null == attachment) {
            accept();
        } else if (attachment instanceof OutboundLink) {
            onOutboundReady((OutboundLink)attachment, key);
        } else {
            final InboundConnection connection = (InboundConnection)attachment;
            try {
                connection.read(nowNs);
            } catch (IOException e) {
                connection.endOfStream = true;
            }
        }
    }

    private void accept() {
        while (true) {
            final SocketChannel channel;
            try {
                channel = server.accept();
                if (null == channel) {
                    return;
                }
            } catch (IOException e) {
                listener.onWarning("tcp transport of " + localAddress + " could not accept a connection: " + e, e);
                return;
            }
            try {
                channel.configureBlocking(false);
                if (inbound.size() >= options.maxInboundConnections()) {
                    closeQuietest();
                }
                final SelectionKey key = channel.register(selector, SelectionKey.OP_READ);
                final InboundConnection connection = new InboundConnection(channel, key, options.maxFrameLength(),
                    nowNs);
                key.attach(connection);
                inbound.add(connection);
                counters.increment(TcpCounters.INBOUND_ACCEPTED);
            } catch (IOException e) {
                closeQuietly(channel);
            }
        }
    }

    /** Makes room for a new connection: one that stays quiet the longest is most likely a dead peer's leftover. */
    private void closeQuietest() {
        InboundConnection quietest = inbound.get(0);
        for (int i = 1; i < inbound.size(); i++) {
            if (inbound.get(i).lastReadNs - quietest.lastReadNs < 0) {
                quietest = inbound.get(i);
            }
        }
        listener.onWarning("tcp transport of " + localAddress + " has " + inbound.size() + " incoming connections "
            + "(maxInboundConnections); closing the quietest, from " + quietest.remote(), null);
        quietest.close();
        inbound.remove(quietest);
    }

    /** Hands complete frames to the node, starting with a different connection each poll so that none starves. */
    private int deliver(FrameHandler handler, int frameLimit) {
        int delivered = 0;
        final int count = inbound.size();
        for (int i = 0; i < count && delivered < frameLimit; i++) {
            final InboundConnection connection = inbound.get((nextInbound + i) % count);
            delivered += connection.deliver(handler, frameLimit - delivered, counters);
            if (null != connection.rejection) {
                counters.increment(TcpCounters.STREAMS_REJECTED);
                listener.onWarning("tcp transport of " + localAddress + " closed the connection from "
                    + connection.remote() + ": it sent " + connection.rejection, null);
                connection.close();
            } else if (connection.endOfStream && delivered < frameLimit) {
                // Every complete frame is delivered; a partial one at the end of a closed stream is worthless.
                connection.close();
            }
        }
        nextInbound = count == 0 ? 0 : (nextInbound + 1) % count;
        inbound.removeIf(InboundConnection::isClosed);
        return delivered;
    }

    // ---------------------------------------------------------------- helpers

    private static InetSocketAddress resolve(NodeAddress address) throws UnknownHostException {
        final InetSocketAddress resolved = new InetSocketAddress(address.host(), address.port());
        if (resolved.isUnresolved()) {
            throw new UnknownHostException(address.host() + " (from " + address + ") does not resolve");
        }
        return resolved;
    }

    private static void requireTcp(NodeAddress address, String what) {
        if (!"tcp".equals(address.protocol())) {
            throw new IllegalArgumentException(what + " " + address + " is not a tcp address: expected "
                + "/ip4/HOST/tcp/PORT, /ip6/HOST/tcp/PORT or /dns4/NAME/tcp/PORT");
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (null == closeable) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception ignored) {
            // Nothing left to do with a socket or selector that fails to close.
        }
    }
}
