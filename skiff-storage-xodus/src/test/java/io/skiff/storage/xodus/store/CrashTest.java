package io.skiff.storage.xodus.store;

import io.skiff.storage.xodus.Durability;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static io.skiff.storage.xodus.store.TestStorage.bytes;
import static io.skiff.storage.xodus.store.TestStorage.entry;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kills a writing child JVM with SIGKILL, mid-stream, several times over the same directory: everything it reported
 * synced must be there and read back intact. Both durability modes survive a process crash (NO_SYNC only loses what
 * the operating system had not written when the machine itself stops).
 */
class CrashTest {
    private static final int KILLS = 3;

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Durability.class)
    void everythingSyncedSurvivesSigkill(Durability durability) {
        long acknowledged = 0;
        long acknowledgedTerm = 0;
        for (int kill = 0; kill < KILLS; kill++) {
            try (ChildJvm child = ChildJvm.start(AppendUntilKilledMain.class, dir.toString(), durability.name())) {
                final long opened = Long.parseLong(child.awaitLine("OPEN ").substring("OPEN ".length()));
                assertThat(opened).isGreaterThanOrEqualTo(acknowledged);
                final long target = opened + 50L * AppendUntilKilledMain.BATCH * (kill + 1);
                String synced;
                do {
                    synced = child.awaitLine("SYNCED ");
                } while (Long.parseLong(synced.split(" ")[1]) < target);
                child.kill();
                acknowledged = Long.parseLong(synced.split(" ")[1]);
                acknowledgedTerm = Long.parseLong(synced.split(" ")[2]);
            }
            try (XodusStorage storage = TestStorage.open(dir)) {
                final long last = storage.log().lastIndex();
                assertThat(last).as("last index after kill %d", kill).isGreaterThanOrEqualTo(acknowledged);
                assertThat(storage.state().load().term()).isGreaterThanOrEqualTo(acknowledgedTerm);
                final long[] next = {1};
                storage.log().read(1, last, Integer.MAX_VALUE, (index, term, entry) -> {
                    assertThat(index).isEqualTo(next[0]++);
                    assertThat(bytes(entry)).isEqualTo(bytes(entry(index)));
                });
                assertThat(next[0]).isEqualTo(last + 1);
            }
        }
    }
}
