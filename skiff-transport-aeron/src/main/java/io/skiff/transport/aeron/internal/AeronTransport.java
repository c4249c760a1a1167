package io.skiff.transport.aeron.internal;

import io.aeron.Aeron;
import io.aeron.ChannelUriStringBuilder;
import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Image;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.exceptions.AeronException;
import io.aeron.logbuffer.Header;
import io.skiff.NodeAddress;
import io.skiff.SkiffException;
import io.skiff.spi.FrameHandler;
import io.skiff.spi.SendResult;
import io.skiff.spi.Transport;
import io.skiff.spi.TransportContext;
import io.skiff.spi.TransportListener;
import io.skiff.transport.aeron.AeronTransportOptions;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.UnsafeBuffer;

import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A node's {@code udp} transport over Aeron: one subscription on the node's own endpoint, one exclusive publication
 * per connected peer, and an Aeron client driven by the node's loop.
 *
 * <p><b>Threads.</b> The Aeron client runs in invoker mode: its conductor's duty cycle (driver responses, keepalives,
 * image changes) runs inside {@link #poll}, so the transport adds no thread of its own and every callback happens on
 * the node's loop. The price is that the loop must poll regularly: a loop that stops polling for longer than the
 * liveness timeout (a GC pause, a frozen VM, SIGSTOP) loses its client, and so does every transport of a process
 * whose driver stopped or timed out.
 *
 * <p><b>Healing.</b> A lost client is rebuilt by {@link #poll}: the dead client is dropped (the driver frees what it
 * held once it times the client out), the embedded driver is restarted if its thread stopped, and a new client
 * subscribes again and asks for a new publication to every peer, reporting each peer disconnected meanwhile. A
 * failed attempt is tried again every second; when none succeeds within {@link #RECOVERY_TIMEOUTS} liveness
 * timeouts (the driver cannot be started or reached), {@link #poll} throws, which stops the node with that message rather than leave it
 * running without a network. {@link #close()} unmaps the buffers {@link #poll} reads, so it must not run while
 * another thread polls.
 *
 * <p><b>Sending.</b> {@link #send} offers the frame to the peer's publication once and maps the outcome; it never
 * blocks and never loops, except that Aeron's ADMIN_ACTION (a term rotation, after which an offer succeeds) is tried
 * a second time before it is reported as {@link SendResult#BACK_PRESSURED}. Publications are exclusive: a single
 * writer needs no atomic claim on the log, and each node gets its own session even when several nodes of one
 * process share the driver and send to the same peer.
 *
 * <p><b>Receiving.</b> {@link #poll} reassembles frames longer than the MTU and hands each whole frame to the handler
 * as a read-only view of Aeron's buffer: no copy and no allocation per frame.
 *
 * <p><b>Connections.</b> {@link #connect} requests the peer's publication without waiting for the driver; every
 * {@link #poll} then checks each publication's connected flag and reports each change to the listener exactly once.
 */
public final class AeronTransport implements Transport {
    /** How long to wait before asking again for a publication that failed (unresolvable name, driver error). */
    static final long RETRY_INTERVAL_NS = TimeUnit.SECONDS.toNanos(1);
    /** Initial size of a session's reassembly buffer; it grows to the longest frame seen. */
    static final int REASSEMBLY_BUFFER_LENGTH = 128 * 1024;
    /**
     * How many liveness timeouts a lost Aeron client may take to rebuild before the transport gives up and stops the
     * node (30 s by default): time for a supervisor to restart an external driver.
     */
    static final int RECOVERY_TIMEOUTS = 3;

    private final NodeAddress localAddress;
    private final String localEndpoint;
    private final TransportListener listener;
    private final AeronTransportOptions options;
    private final SharedMediaDriver sharedDriver;
    private final Path driverDirectory;
    private final int maxFrameLength;
    private final FrameViews views;
    private final FragmentAssembler assembler;
    private Aeron aeron;
    private AgentInvoker clientConductor;
    private Subscription subscription;
    private final UnsafeBuffer sendBuffer = new UnsafeBuffer(0, 0);
    private final Map<NodeAddress, PeerLink> linkByPeer = new HashMap<>();
    private final List<PeerLink> links = new ArrayList<>();
    private final AeronTransportCounters counters = new AeronTransportCounters();
    private FrameHandler handler;
    private int framesDelivered;
    /** When the client was found lost, in {@link System#nanoTime()} units; 0 while it works. */
    private long clientLostAtNs;
    private long nextRecoveryAttemptNs;
    private boolean recoveryFailureReported;
    private volatile boolean closed;

    private AeronTransport(
        TransportContext context, AeronTransportOptions options, String localEndpoint, SharedMediaDriver sharedDriver) {
        this.localAddress = context.localAddress();
        this.localEndpoint = localEndpoint;
        this.listener = context.listener();
        this.options = options;
        this.sharedDriver = sharedDriver;
        this.maxFrameLength = options.maxFrameLength();
        this.views = new FrameViews(maxFrameLength);
        this.assembler = new FragmentAssembler(
            this::onFrame, Math.min(maxFrameLength, REASSEMBLY_BUFFER_LENGTH), true);

        this.driverDirectory = null != sharedDriver ? sharedDriver.directory()
            : options.driverDirectory().orElseGet(() -> Path.of(new Aeron.Context().aeronDirectoryName()));
        connectClient();
    }

    /** Connects a new Aeron client to the driver and subscribes on the node's endpoint; blocks until it answers. */
    private void connectClient() {
        final Aeron.Context clientContext = new Aeron.Context()
            .clientName("skiff " + localAddress)
            .aeronDirectoryName(driverDirectory.toString())
            .driverTimeoutMs(options.livenessTimeout().toMillis())
            .useConductorAgentInvoker(true)
            .unavailableImageHandler(this::onImageUnavailable)
            .errorHandler(this::onClientError);
        final Aeron client;
        try {
            client = Aeron.connect(clientContext);
        } catch (RuntimeException e) {
            throw new SkiffException("cannot connect " + localAddress + " to the Aeron media driver in "
                + driverDirectory + (null == sharedDriver ? " (external driver: is it running?)" : "") + ": " + e, e);
        }
        try {
            subscription = client.addSubscription("aeron:udp?endpoint=" + localEndpoint, options.streamId());
        } catch (RuntimeException e) {
            CloseHelper.quietClose(client);
            throw new SkiffException("cannot listen on " + localAddress + ": " + e.getMessage(), e);
        }
        aeron = client;
        clientConductor = client.conductorAgentInvoker();
    }

    /**
     * Opens a node's transport: starts or joins the embedded driver (or attaches to the external one) and subscribes
     * on the node's own endpoint.
     *
     * @param context the node's address, options and listener.
     * @return the open transport.
     * @throws IllegalArgumentException when the local address is not a udp address.
     * @throws SkiffException           when the driver cannot start or be reached, the name cannot be resolved, or
     *                                  the endpoint cannot be bound (for example, the port is in use).
     */
    static AeronTransport open(TransportContext context) {
        final NodeAddress localAddress = context.localAddress();
        UdpEndpoints.requireUdp(localAddress, "local address");
        final AeronTransportOptions options = context.options()
            .providerOptions(AeronTransportOptions.class)
            .orElse(AeronTransportOptions.defaults());
        final String endpoint;
        try {
            endpoint = UdpEndpoints.endpoint(localAddress);
        } catch (UnknownHostException e) {
            throw new SkiffException("cannot listen on " + localAddress + ": " + e.getMessage(), e);
        }
        if (!options.embeddedDriver()) {
            return new AeronTransport(context, options, endpoint, null);
        }
        final SharedMediaDriver driver = SharedMediaDriver.acquire(options, context.listener());
        if (!driver.claimEndpoint(endpoint)) {
            driver.release(context.listener());
            throw new SkiffException("cannot listen on " + localAddress + ": another node of this process already "
                + "listens on " + endpoint);
        }
        try {
            return new AeronTransport(context, options, endpoint, driver);
        } catch (RuntimeException e) {
            driver.releaseEndpoint(endpoint);
            driver.release(context.listener());
            throw e;
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Aeron's outcomes map as: a new position to {@code SENT}; NOT_CONNECTED, and a peer whose publication is not
     * created yet, to {@code NOT_CONNECTED}; BACK_PRESSURED, and ADMIN_ACTION twice in a row, to
     * {@code BACK_PRESSURED}; MAX_POSITION_EXCEEDED (after 2^31 terms: petabytes with the default term) to
     * {@code NOT_CONNECTED}, with the publication replaced by a fresh one; CLOSED like MAX_POSITION_EXCEEDED, or when
     * the client is gone, to {@code NOT_CONNECTED} while {@link #poll} rebuilds it. {@code CLOSED} only once this
     * transport is closed.
     */
    @Override
    public SendResult send(NodeAddress peer, ByteBuffer frame) {
        final int length = frame.remaining();
        if (length > maxFrameLength) {
            throw new IllegalArgumentException("frame of " + length + " bytes to " + peer + " is longer than "
                + "maxFrameLength " + maxFrameLength + " (termLength " + options.termLength() + " / 8)");
        }
        if (closed) {
            counters.onClosed();
            return SendResult.CLOSED;
        }
        if (0 != clientLostAtNs || isClientGone()) {
            // Being rebuilt: like a peer not connected yet, which the node retries.
            counters.onNotConnected();
            return SendResult.NOT_CONNECTED;
        }
        final PeerLink link = linkByPeer.get(peer);
        final ExclusivePublication publication = null == link ? null : link.publication;
        if (null == publication) {
            counters.onNotConnected();
            return SendResult.NOT_CONNECTED;
        }
        sendBuffer.wrap(frame, frame.position(), length);
        long result = publication.offer(sendBuffer, 0, length);
        if (Publication.ADMIN_ACTION == result) {
            counters.onAdminAction();
            result = publication.offer(sendBuffer, 0, length);
        }
        if (result > 0) {
            counters.onSent(length);
            return SendResult.SENT;
        }
        return onOfferFailed(link, result);
    }

    @Override
    public int poll(FrameHandler frameHandler, int frameLimit) {
        if (closed || frameLimit <= 0) {
            return 0;
        }
        if (isClientGone()) {
            recoverClient();
            return 0;
        }
        clientConductor.invoke();
        if (isClientGone()) {
            // The conductor found the driver, or itself, timed out and closed the client.
            recoverClient();
            return 0;
        }
        updateLinks();
        handler = frameHandler;
        framesDelivered = 0;
        try {
            // A fragment limit of the frames still wanted never delivers too many; looping completes frames that
            // arrived in fragments instead of leaving them for the next duty cycle.
            int fragments;
            do {
                fragments = subscription.poll(assembler, frameLimit - framesDelivered);
            }
            while (fragments > 0 && framesDelivered < frameLimit);
        } finally {
            handler = null;
        }
        return framesDelivered;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Returns at once: the publication is requested from the driver and picked up by later polls, which report
     * {@link TransportListener#onConnected} when the peer's subscription answers. A {@code /dns4/} name is resolved
     * here, with the JDK's resolver, which may block; a name that does not resolve is reported as a warning and
     * tried again every second. Connecting to a peer already connected does nothing.
     *
     * @throws IllegalArgumentException when the peer is not a udp address.
     */
    @Override
    public void connect(NodeAddress peer) {
        UdpEndpoints.requireUdp(peer, "peer");
        if (closed || linkByPeer.containsKey(peer)) {
            return;
        }
        final PeerLink link = new PeerLink(peer);
        linkByPeer.put(peer, link);
        links.add(link);
        if (0 == clientLostAtNs) {
            // Else the rebuilt client asks for it.
            requestPublication(link, System.nanoTime());
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Reports {@link TransportListener#onDisconnected} when the peer was reported connected, so that the
     * listener's view of connected peers stays exact.
     */
    @Override
    public void disconnect(NodeAddress peer) {
        final PeerLink link = linkByPeer.remove(peer);
        if (null == link) {
            return;
        }
        links.remove(link);
        releasePublication(link);
        if (link.reportedConnected) {
            report(link, false);
        }
    }

    /** @return the longest frame {@link #send} accepts: the term length / 8 (128 KiB with the default 1 MiB). */
    @Override
    public int maxFrameLength() {
        return maxFrameLength;
    }

    /**
     * Closes the publications, the subscription and the Aeron client, then gives back the embedded driver, which
     * stops (deleting its directory) when this was its last transport. Idempotent; no events are reported.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (!isClientGone()) {
            for (PeerLink link : links) {
                releasePublication(link);
            }
            CloseHelper.close(this::onCloseError, subscription);
        }
        links.clear();
        linkByPeer.clear();
        CloseHelper.close(this::onCloseError, aeron);
        if (null != sharedDriver) {
            sharedDriver.releaseEndpoint(localEndpoint);
            sharedDriver.release(listener);
        }
    }

    /** @return the counts of sends by outcome, frames and bytes received, and connection changes. */
    public AeronTransportCounters counters() {
        return counters;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Besides this transport's counters: {@code driverErrors}, the errors the embedded driver reported (shared by
     * the nodes of a process), {@code driverRestarts}, and {@code setupsRefused}, the Aeron SETUP frames that the
     * driver's guard dropped (see {@link GuardedReceiveChannelEndpoint}).
     */
    @Override
    public Map<String, Long> stats() {
        final Map<String, Long> stats = counters.asMap();
        if (null != sharedDriver) {
            stats.put("driverErrors", sharedDriver.errors());
            stats.put("driverRestarts", sharedDriver.restarts());
            stats.put("setupsRefused", sharedDriver.setupsRefused());
        }
        return stats;
    }

    /** @return this node's own address, on whose endpoint it listens. */
    public NodeAddress localAddress() {
        return localAddress;
    }

    /** @return the directory of the media driver this transport uses. */
    public Path driverDirectory() {
        return driverDirectory;
    }

    /**
     * @param peer a peer.
     * @return whether the peer's publication was last reported connected.
     */
    public boolean isConnected(NodeAddress peer) {
        final PeerLink link = linkByPeer.get(peer);
        return null != link && link.reportedConnected;
    }

    /**
     * @param peer a peer.
     * @return the peer's publication once the driver has created it, else {@code null}; for white-box tests.
     */
    ExclusivePublication publicationOf(NodeAddress peer) {
        final PeerLink link = linkByPeer.get(peer);
        return null == link ? null : link.publication;
    }

    /** @return the embedded driver this transport shares, or {@code null} with an external one; for white-box tests. */
    SharedMediaDriver sharedDriver() {
        return sharedDriver;
    }

    @Override
    public String toString() {
        return "AeronTransport{" + localAddress + ", driver=" + driverDirectory + ", peers=" + linkByPeer.keySet()
            + (closed ? ", closed" : "") + "}";
    }

    private void onFrame(DirectBuffer buffer, int offset, int length, Header header) {
        framesDelivered++;
        counters.onReceived(length);
        handler.onFrame(views.view(buffer, offset, length));
    }

    private void onImageUnavailable(Image image) {
        assembler.freeSessionBuffer(image.sessionId());
        views.clear();
    }

    private SendResult onOfferFailed(PeerLink link, long result) {
        if (Publication.NOT_CONNECTED == result) {
            counters.onNotConnected();
            return SendResult.NOT_CONNECTED;
        }
        if (Publication.BACK_PRESSURED == result || Publication.ADMIN_ACTION == result) {
            counters.onBackPressured();
            return SendResult.BACK_PRESSURED;
        }
        if (Publication.MAX_POSITION_EXCEEDED == result) {
            counters.onMaxPositionExceeded();
            replacePublication(link, "reached its maximum position");
        } else if (!isClientGone()) {
            replacePublication(link, "was closed by Aeron (result " + result + ")");
        }
        counters.onNotConnected();
        return SendResult.NOT_CONNECTED;
    }

    private void replacePublication(PeerLink link, String why) {
        listener.onWarning("publication from " + localAddress + " to " + link.peer + " " + why
            + "; opening a new one", null);
        releasePublication(link);
        if (link.reportedConnected) {
            report(link, false);
        }
        link.retryAtNs = System.nanoTime();
    }

    private void updateLinks() {
        long nowNs = 0;
        for (int i = 0; i < links.size(); i++) {
            final PeerLink link = links.get(i);
            if (null == link.publication) {
                if (PeerLink.NO_REGISTRATION != link.registrationId) {
                    awaitPublication(link);
                } else {
                    nowNs = 0 == nowNs ? System.nanoTime() : nowNs;
                    if (nowNs - link.retryAtNs >= 0) {
                        requestPublication(link, nowNs);
                    }
                }
            }
            if (null != link.publication) {
                final boolean connected = link.publication.isConnected();
                if (connected != link.reportedConnected) {
                    report(link, connected);
                }
            }
        }
    }

    private void requestPublication(PeerLink link, long nowNs) {
        try {
            final String channel = new ChannelUriStringBuilder()
                .media("udp")
                .endpoint(UdpEndpoints.endpoint(link.peer))
                .mtu(options.mtu())
                .termLength(options.termLength())
                .linger(options.publicationLinger().toNanos())
                .build();
            link.registrationId = aeron.asyncAddExclusivePublication(channel, options.streamId());
        } catch (UnknownHostException | AeronException e) {
            onRequestFailed(link, nowNs, "cannot resolve or open a publication to " + link.peer, e);
        }
    }

    private void awaitPublication(PeerLink link) {
        try {
            final ExclusivePublication publication = aeron.getExclusivePublication(link.registrationId);
            if (null != publication) {
                link.publication = publication;
                link.failureReported = false;
            }
        } catch (AeronException e) {
            link.registrationId = PeerLink.NO_REGISTRATION;
            onRequestFailed(link, System.nanoTime(), "the media driver refused a publication to " + link.peer, e);
        }
    }

    private void onRequestFailed(PeerLink link, long nowNs, String what, Exception cause) {
        link.retryAtNs = nowNs + RETRY_INTERVAL_NS;
        if (!link.failureReported) {
            link.failureReported = true;
            listener.onWarning(what + " (retrying every second): " + cause.getMessage(), cause);
        }
    }

    private void releasePublication(PeerLink link) {
        if (PeerLink.NO_REGISTRATION != link.registrationId) {
            try {
                aeron.asyncRemovePublication(link.registrationId);
            } catch (AeronException e) {
                listener.onWarning("cannot close the publication to " + link.peer + ": " + e.getMessage(), e);
            }
        }
        link.registrationId = PeerLink.NO_REGISTRATION;
        link.publication = null;
    }

    private void report(PeerLink link, boolean connected) {
        link.reportedConnected = connected;
        if (connected) {
            counters.onConnected();
            listener.onConnected(link.peer);
        } else {
            counters.onDisconnected();
            listener.onDisconnected(link.peer);
        }
    }

    /**
     * @return whether the Aeron client stopped: closed, or terminated by its conductor after the driver timed it out
     * or it was not invoked within the driver's client liveness timeout.
     */
    private boolean isClientGone() {
        return aeron.isClosed() || clientConductor.isClosed();
    }

    /**
     * Drops a lost client, then tries (at most every {@link #RETRY_INTERVAL_NS}) to start the driver again if it
     * stopped and to connect a new client; gives up with an exception after {@link #RECOVERY_TIMEOUTS} liveness
     * timeouts.
     */
    private void recoverClient() {
        final long nowNs = System.nanoTime();
        if (0 == clientLostAtNs) {
            clientLostAtNs = nowNs;
            nextRecoveryAttemptNs = nowNs;
            counters.onClientLost();
            listener.onWarning("the Aeron client of " + localAddress + " was closed (the node stopped for longer "
                + "than the liveness timeout of " + options.livenessTimeout().toMillis() + " ms, or the driver did); "
                + "rebuilding it", null);
            dropClient();
        }
        if (nowNs - nextRecoveryAttemptNs < 0) {
            return;
        }
        nextRecoveryAttemptNs = nowNs + RETRY_INTERVAL_NS;
        try {
            if (null != sharedDriver) {
                sharedDriver.restartIfStopped(listener);
            }
            connectClient();
        } catch (RuntimeException e) {
            final Duration recoveryTimeout = options.livenessTimeout().multipliedBy(RECOVERY_TIMEOUTS);
            if (System.nanoTime() - clientLostAtNs >= recoveryTimeout.toNanos()) {
                throw new SkiffException("the Aeron client of " + localAddress + " was lost and could not be rebuilt "
                    + "within " + recoveryTimeout.toSeconds() + " s; the node stops so that it can be restarted: "
                    + e.getMessage(), e);
            }
            if (!recoveryFailureReported) {
                recoveryFailureReported = true;
                listener.onWarning("cannot rebuild the Aeron client of " + localAddress + " yet (retrying every "
                    + "second): " + e.getMessage(), e);
            }
            return;
        }
        final long lostForMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - clientLostAtNs);
        clientLostAtNs = 0;
        recoveryFailureReported = false;
        counters.onClientRebuilt();
        listener.onWarning("the Aeron client of " + localAddress + " is rebuilt, " + lostForMs + " ms after it was "
            + "found closed; reconnecting to " + links.size() + " peers", null);
        final long now = System.nanoTime();
        for (int i = 0; i < links.size(); i++) {
            requestPublication(links.get(i), now);
        }
    }

    /**
     * Forgets everything the lost client held. Its publications and subscription are not closed one by one: a
     * closed client cannot ask the driver, which frees them when it times the client out.
     */
    private void dropClient() {
        CloseHelper.quietClose(aeron);
        subscription = null;
        for (int i = 0; i < links.size(); i++) {
            final PeerLink link = links.get(i);
            link.registrationId = PeerLink.NO_REGISTRATION;
            link.publication = null;
            link.failureReported = false;
            if (link.reportedConnected) {
                report(link, false);
            }
        }
        assembler.clear();
        views.clear();
    }

    private void onClientError(Throwable error) {
        counters.onClientError();
        listener.onWarning("Aeron client of " + localAddress + ": " + error, error);
    }

    private void onCloseError(Throwable error) {
        listener.onWarning("error while closing the transport of " + localAddress + ": " + error, error);
    }
}
