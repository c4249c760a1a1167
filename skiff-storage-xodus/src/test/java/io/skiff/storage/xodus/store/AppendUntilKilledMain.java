package io.skiff.storage.xodus.store;

import io.skiff.NodeAddress;
import io.skiff.spi.LogStore;
import io.skiff.spi.PersistentState;
import io.skiff.storage.xodus.Durability;
import io.skiff.storage.xodus.XodusStorageOptions;

import java.nio.file.Path;
import java.util.List;

/**
 * Child process: opens the storage in {@code args[0]} with durability {@code args[1]} and appends batches of
 * {@link TestStorage#entry entries} forever, saving the term as the batch number, and says
 * {@code SYNCED <last index> <term>} after each sync returns: what is said has been acknowledged.
 */
public final class AppendUntilKilledMain {
    static final int BATCH = 16;

    private AppendUntilKilledMain() {
    }

    public static void main(String[] args) {
        final XodusStorageOptions options = XodusStorageOptions.builder()
            .durability(Durability.valueOf(args[1])).build();
        final XodusStorage storage = XodusStorage.open(Path.of(args[0]), NodeAddress.parse("/mem/crasher"), options);
        final LogStore log = storage.log();
        long term = storage.state().load().term();
        System.out.println("OPEN " + log.lastIndex());
        while (true) {
            term++;
            for (int i = 0; i < BATCH; i++) {
                final long index = log.lastIndex() + 1;
                log.append(index, term, TestStorage.entry(index));
            }
            log.sync();
            storage.state().save(new PersistentState("crash", term, null, List.of()));
            System.out.println("SYNCED " + log.lastIndex() + " " + term);
        }
    }
}
