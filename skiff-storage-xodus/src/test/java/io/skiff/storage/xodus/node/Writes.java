package io.skiff.storage.xodus.node;

import io.skiff.KeyValue;
import io.skiff.SkiffNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * A deterministic write workload through one node with many writes in flight: puts that overwrite earlier keys, and
 * deletes, so that the final state is not simply the last writes. {@link #expected()} is what every node must hold.
 */
final class Writes {
    private final TreeMap<String, String> expected = new TreeMap<>();
    private int written;

    /**
     * Writes {@code count} more commands through {@code node}, {@code window} at a time, and waits for them all.
     *
     * @param valueBytes the length of each value.
     */
    void write(SkiffNode node, int count, int window, int valueBytes) {
        final List<CompletableFuture<Void>> inFlight = new ArrayList<>(window);
        for (int i = 0; i < count; i++) {
            final int n = written++;
            if (n % 10 == 9) {
                final String key = key(n - 5);
                expected.remove(key);
                inFlight.add(node.levelup().del(key));
            } else {
                final String key = key(n % 7919);
                final String value = value(n, valueBytes);
                expected.put(key, value);
                inFlight.add(node.levelup().put(key, value));
            }
            if (inFlight.size() == window) {
                Await.result(CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)));
                inFlight.clear();
            }
        }
        Await.result(CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)));
    }

    /** @return every key and value the writes so far leave, in key order. */
    List<KeyValue> expected() {
        final List<KeyValue> entries = new ArrayList<>(expected.size());
        for (Map.Entry<String, String> e : expected.entrySet()) {
            entries.add(new KeyValue(e.getKey().getBytes(StandardCharsets.UTF_8),
                e.getValue().getBytes(StandardCharsets.UTF_8)));
        }
        return entries;
    }

    private static String key(int n) {
        return String.format("key-%05d", n % 7919);
    }

    private static String value(int n, int bytes) {
        final StringBuilder value = new StringBuilder(bytes).append("value-").append(n).append('-');
        while (value.length() < bytes) {
            value.append((char)('a' + (value.length() * 7 + n) % 26));
        }
        return value.substring(0, bytes);
    }
}
