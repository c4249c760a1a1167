package io.skiff.transport.aeron.internal;

import io.aeron.driver.DataPacketDispatcher;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.media.ReceiveChannelEndpoint;
import io.aeron.driver.media.UdpChannel;
import io.aeron.logbuffer.FrameDescriptor;
import io.aeron.protocol.DataHeaderFlyweight;
import io.aeron.protocol.SetupFlyweight;
import io.skiff.transport.aeron.AeronTransportOptions;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The embedded driver's receiving end of a node's endpoint, which bounds what unauthenticated senders can make the
 * driver allocate. Every SETUP frame makes Aeron create an image for its session: log buffers of the term length the
 * frame asks for and three counters, kept until the image has been silent for the image liveness timeout. Skiff
 * authenticates frames above Aeron, so without a bound anyone who can send UDP to the port can exhaust the driver's
 * counters and memory. Here:
 * <ul>
 *   <li>a SETUP whose term length, MTU or offset Aeron would refuse with an exception, or whose term is longer than
 *       this driver's own, is dropped before Aeron sees it;</li>
 *   <li>one source address (IP and port) may hold at most {@link #SESSIONS_PER_SOURCE} sessions; a session counts
 *       until it has been silent for the image liveness timeout, as its image does;</li>
 *   <li>at most {@link #MAX_SOURCES} source addresses are tracked at once.</li>
 * </ul>
 * Refused SETUPs are counted; DATA for a session without an image is ignored by Aeron anyway. Runs on the driver's
 * receiver thread only.
 */
final class GuardedReceiveChannelEndpoint extends ReceiveChannelEndpoint {
    /**
     * Sessions one source address may hold. A peer sends from one socket per destination, shared by the nodes of
     * its process that send here, and its previous session lingers for a while after it reconnects.
     */
    static final int SESSIONS_PER_SOURCE = 8;
    /** Source addresses tracked at once; past it, SETUPs from new sources are refused until old ones go silent. */
    static final int MAX_SOURCES = 1024;

    private final Map<InetSocketAddress, Sessions> sessionsBySource = new HashMap<>();
    private final int maxTermLength;
    private final long sessionTimeoutNs;
    private final AtomicLong setupsRefused;

    /** The sessions of one source address and when each was last heard from. */
    private static final class Sessions {
        final int[] ids = new int[SESSIONS_PER_SOURCE];
        final long[] lastHeardNs = new long[SESSIONS_PER_SOURCE];
        int count;

        /** @return whether the session is held (its time refreshed) or could be added; expired ones are dropped. */
        boolean admit(int sessionId, long nowNs, long timeoutNs) {
            for (int i = 0; i < count; i++) {
                if (ids[i] == sessionId) {
                    lastHeardNs[i] = nowNs;
                    return true;
                }
            }
            expire(nowNs, timeoutNs);
            if (count == SESSIONS_PER_SOURCE) {
                return false;
            }
            ids[count] = sessionId;
            lastHeardNs[count++] = nowNs;
            return true;
        }

        void heard(int sessionId, long nowNs) {
            for (int i = 0; i < count; i++) {
                if (ids[i] == sessionId) {
                    lastHeardNs[i] = nowNs;
                    return;
                }
            }
        }

        void expire(long nowNs, long timeoutNs) {
            for (int i = count - 1; i >= 0; i--) {
                if (nowNs - lastHeardNs[i] > timeoutNs) {
                    count--;
                    ids[i] = ids[count];
                    lastHeardNs[i] = lastHeardNs[count];
                }
            }
        }
    }

    GuardedReceiveChannelEndpoint(UdpChannel udpChannel, DataPacketDispatcher dispatcher,
        AtomicCounter statusIndicator, MediaDriver.Context context, int maxTermLength, AtomicLong setupsRefused) {
        super(udpChannel, dispatcher, statusIndicator, context);
        this.maxTermLength = maxTermLength;
        this.sessionTimeoutNs = context.imageLivenessTimeoutNs();
        this.setupsRefused = setupsRefused;
    }

    @Override
    public void onSetupMessage(SetupFlyweight header, UnsafeBuffer buffer, int length, InetSocketAddress srcAddress,
        int transportIndex) {
        if (!isValid(header) || !admit(srcAddress, header.sessionId())) {
            setupsRefused.incrementAndGet();
            return;
        }
        super.onSetupMessage(header, buffer, length, srcAddress, transportIndex);
    }

    @Override
    public int onDataPacket(DataHeaderFlyweight header, UnsafeBuffer buffer, int length, InetSocketAddress srcAddress,
        int transportIndex) {
        final Sessions sessions = sessionsBySource.get(srcAddress);
        if (null != sessions) {
            sessions.heard(header.sessionId(), System.nanoTime());
        }
        return super.onDataPacket(header, buffer, length, srcAddress, transportIndex);
    }

    /** @return whether Aeron would accept the SETUP's parameters, with a term no longer than this driver's. */
    private boolean isValid(SetupFlyweight header) {
        final int termLength = header.termLength();
        final int mtu = header.mtuLength();
        final int termOffset = header.termOffset();
        return termLength >= AeronTransportOptions.MIN_TERM_LENGTH && termLength <= maxTermLength
            && Integer.bitCount(termLength) == 1
            && mtu >= AeronTransportOptions.MIN_MTU && mtu <= AeronTransportOptions.MAX_MTU
            && mtu % AeronTransportOptions.MTU_ALIGNMENT == 0 && mtu <= termLength / 2
            && termOffset >= 0 && termOffset < termLength && termOffset % FrameDescriptor.FRAME_ALIGNMENT == 0;
    }

    private boolean admit(InetSocketAddress source, int sessionId) {
        final long nowNs = System.nanoTime();
        Sessions sessions = sessionsBySource.get(source);
        if (null == sessions) {
            if (sessionsBySource.size() >= MAX_SOURCES && !forgetSilentSources(nowNs)) {
                return false;
            }
            sessions = new Sessions();
            sessionsBySource.put(source, sessions);
        }
        return sessions.admit(sessionId, nowNs, sessionTimeoutNs);
    }

    /** @return whether a source was forgotten because all its sessions went silent. */
    private boolean forgetSilentSources(long nowNs) {
        boolean forgotten = false;
        for (Iterator<Sessions> it = sessionsBySource.values().iterator(); it.hasNext(); ) {
            final Sessions sessions = it.next();
            sessions.expire(nowNs, sessionTimeoutNs);
            if (0 == sessions.count) {
                it.remove();
                forgotten = true;
            }
        }
        return forgotten;
    }
}
