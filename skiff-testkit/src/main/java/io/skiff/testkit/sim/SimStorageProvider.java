package io.skiff.testkit.sim;

import io.skiff.core.codec.Checksums;
import io.skiff.core.codec.LogEntry;
import io.skiff.core.storage.MemoryStorageProvider;
import io.skiff.spi.LogStore;
import io.skiff.spi.Storage;
import io.skiff.spi.StorageContext;
import io.skiff.spi.StorageProvider;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * The simulated disks of every machine: in-memory storage that survives restarts, loses what was not synced on a
 * crash, and may leave a torn entry that recovery must find by its checksum and drop.
 */
final class SimStorageProvider implements StorageProvider {
    private final Simulation simulation;
    private final MemoryStorageProvider disks = new MemoryStorageProvider();
    private final Checksums checksums = new Checksums();

    SimStorageProvider(Simulation simulation) {
        this.simulation = simulation;
    }

    @Override
    public String name() {
        return "sim";
    }

    @Override
    public Storage open(StorageContext context) {
        final SimNode machine = simulation.machine(context.address());
        final Storage storage = disks.open(context);
        recoverTornTail(storage.log());
        final SimStorage simulated = new SimStorage(machine, storage);
        machine.attachStorage(simulated);
        return simulated;
    }

    /**
     * Loses everything not synced on a machine whose power was cut; optionally leaves the first unsynced entry
     * half-written, as a crash in the middle of a write does.
     */
    void crash(SimNode machine) {
        final SimStorage storage = machine.storage();
        final byte[] torn = null == storage ? null : storage.firstUnsyncedEntry();
        final long tornTerm = null == storage ? -1 : storage.firstUnsyncedTerm();
        disks.crash(machine.address());
        if (machine.disk().tornTailOnCrash() && null != torn && torn.length > LogEntry.HEADER_LENGTH) {
            final Storage reopened = disks.open(new StorageContext(machine.address(), simulation.options(), null));
            final byte[] half = java.util.Arrays.copyOf(torn, torn.length);
            for (int i = half.length / 2; i < half.length; i++) {
                half[i] = (byte)0xA5;
            }
            final LogStore log = reopened.log();
            log.append(log.lastIndex() + 1, tornTerm, ByteBuffer.wrap(half));
            log.sync();
            reopened.close();
        }
    }

    /** A last entry that fails its checksum was being written when the power went: it was never acknowledged. */
    private void recoverTornTail(LogStore log) {
        final long last = log.lastIndex();
        if (last < log.firstIndex()) {
            return;
        }
        final boolean[] torn = new boolean[1];
        log.read(last, last, Integer.MAX_VALUE, (index, term, entry) -> {
            final UnsafeBuffer view = new UnsafeBuffer(entry, entry.position(), entry.remaining());
            torn[0] = LogEntry.validate(view, 0, entry.remaining(), index, checksums) != entry.remaining();
        });
        if (torn[0]) {
            log.truncateAfter(last - 1);
            log.sync();
        }
    }
}
