package io.skiff.core.raft;

import java.util.ArrayList;
import java.util.List;

/**
 * The configurations in a node's log, by index: a node uses the latest one in its log, committed or not (§4.1), so
 * when a conflicting suffix is replaced it falls back to the latest configuration before it. The first element is
 * the base: the configuration of the snapshot, or the one the cluster was started with.
 */
final class ConfigurationLog {
    private final List<Long> indexes = new ArrayList<>();
    private final List<Configuration> configurations = new ArrayList<>();

    ConfigurationLog(long baseIndex, Configuration base) {
        reset(baseIndex, base);
    }

    void reset(long baseIndex, Configuration base) {
        indexes.clear();
        configurations.clear();
        indexes.add(baseIndex);
        configurations.add(base);
    }

    void add(long index, Configuration configuration) {
        truncateFrom(index);
        indexes.add(index);
        configurations.add(configuration);
    }

    /** Forgets the configurations of entries at {@code index} and after (they were replaced); never the base. */
    void truncateFrom(long index) {
        while (indexes.size() > 1 && indexes.get(indexes.size() - 1) >= index) {
            indexes.remove(indexes.size() - 1);
            configurations.remove(configurations.size() - 1);
        }
    }

    Configuration latest() {
        return configurations.get(configurations.size() - 1);
    }

    long latestIndex() {
        return indexes.get(indexes.size() - 1);
    }

    /** @return the configuration in effect at {@code index}: the latest at or before it. */
    Configuration at(long index) {
        for (int i = indexes.size() - 1; i > 0; i--) {
            if (indexes.get(i) <= index) {
                return configurations.get(i);
            }
        }
        return configurations.get(0);
    }

    /** @return the index of the configuration in effect at {@code index}. */
    long indexAt(long index) {
        for (int i = indexes.size() - 1; i > 0; i--) {
            if (indexes.get(i) <= index) {
                return indexes.get(i);
            }
        }
        return indexes.get(0);
    }

    /** Drops configurations superseded at or before {@code index}, which a snapshot now covers. */
    void compact(long index) {
        while (indexes.size() > 1 && indexes.get(1) <= index) {
            indexes.remove(0);
            configurations.remove(0);
        }
    }
}
