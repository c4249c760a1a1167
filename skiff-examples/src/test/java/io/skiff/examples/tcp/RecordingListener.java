package io.skiff.examples.tcp;

import io.skiff.NodeAddress;
import io.skiff.spi.TransportListener;

import java.util.ArrayList;
import java.util.List;

/** Records a transport's events in order, as text such as {@code connected /ip4/127.0.0.1/tcp/4000}. */
final class RecordingListener implements TransportListener {
    private final List<String> events = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();

    @Override
    public synchronized void onConnected(NodeAddress peer) {
        events.add("connected " + peer);
    }

    @Override
    public synchronized void onDisconnected(NodeAddress peer) {
        events.add("disconnected " + peer);
    }

    @Override
    public synchronized void onWarning(String message, Throwable cause) {
        warnings.add(message);
    }

    synchronized List<String> events() {
        return List.copyOf(events);
    }

    synchronized List<String> warnings() {
        return List.copyOf(warnings);
    }
}
