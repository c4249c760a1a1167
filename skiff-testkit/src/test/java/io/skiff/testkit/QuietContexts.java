package io.skiff.testkit;

import io.skiff.NodeAddress;
import io.skiff.SkiffOptions;
import io.skiff.spi.TransportContext;
import io.skiff.spi.TransportListener;

/** Transport contexts for tests that open raw endpoints and do not care about connection events or warnings. */
public final class QuietContexts {
    private static final TransportListener IGNORING = new TransportListener() {
        @Override
        public void onConnected(NodeAddress peer) {
        }

        @Override
        public void onDisconnected(NodeAddress peer) {
        }

        @Override
        public void onWarning(String message, Throwable cause) {
        }
    };

    private QuietContexts() {
    }

    public static TransportContext of(NodeAddress address) {
        return new TransportContext(address, SkiffOptions.defaults(), IGNORING);
    }
}
