package io.skiff.transport.aeron.cluster;

import io.skiff.NodeAddress;
import io.skiff.SkiffOptions;
import io.skiff.spi.FrameHandler;
import io.skiff.spi.Providers;
import io.skiff.spi.SendResult;
import io.skiff.spi.Transport;
import io.skiff.spi.TransportContext;
import io.skiff.spi.TransportListener;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A bare {@code udp} transport on an address of its own, found through {@link Providers} as a node would find it,
 * but driven by the test: it sends whatever bytes it is given to real nodes, which see an Aeron peer like any
 * other. Received frames are ignored.
 */
final class RawPeer implements AutoCloseable {
    private static final FrameHandler IGNORE = frame -> { };

    private final Transport transport;
    private final Set<NodeAddress> connected = ConcurrentHashMap.newKeySet();

    private RawPeer(NodeAddress address) {
        transport = Providers.transport("udp").open(new TransportContext(address, SkiffOptions.defaults(),
            new TransportListener() {
                @Override
                public void onConnected(NodeAddress peer) {
                    connected.add(peer);
                }

                @Override
                public void onDisconnected(NodeAddress peer) {
                    connected.remove(peer);
                }

                @Override
                public void onWarning(String message, Throwable cause) {
                }
            }));
    }

    /** @return a raw peer on a free port. */
    static RawPeer open() {
        return new RawPeer(FreePorts.address());
    }

    /** Connects to every target and waits until each one's subscription answers. */
    void connect(List<NodeAddress> targets) {
        targets.forEach(transport::connect);
        Await.until("the raw peer connected to " + targets, () -> {
            transport.poll(IGNORE, 64);
            return connected.containsAll(targets);
        });
    }

    /** Sends one frame to the target, retrying while Aeron pushes back. */
    void send(NodeAddress target, byte[] frame) {
        final ByteBuffer buffer = ByteBuffer.wrap(frame);
        Await.until("a frame of " + frame.length + " bytes was sent to " + target, () -> {
            transport.poll(IGNORE, 64);
            return transport.send(target, buffer) == SendResult.SENT;
        });
    }

    @Override
    public void close() {
        transport.close();
    }
}
