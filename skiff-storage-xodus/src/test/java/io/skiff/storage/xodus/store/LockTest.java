package io.skiff.storage.xodus.store;

import io.skiff.StorageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static io.skiff.storage.xodus.store.TestStorage.appendRange;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LockTest {
    @TempDir
    Path dir;

    @Test
    void aSecondOpenInTheSameProcessIsRefusedAndTheFirstKeepsWorking() throws Exception {
        try (XodusStorage first = TestStorage.open(dir)) {
            assertThatThrownBy(() -> TestStorage.open(dir)).isInstanceOf(StorageException.class)
                .hasMessageContaining("the storage directory " + dir.toRealPath() + " is already in use by the "
                    + "storage of node /mem/node-1 (pid " + ProcessHandle.current().pid() + ") in this process");
            final Path sameThroughAnotherPath = dir.resolve("..").resolve(dir.getFileName());
            assertThatThrownBy(() -> TestStorage.open(sameThroughAnotherPath)).isInstanceOf(StorageException.class)
                .hasMessageContaining("already in use");

            appendRange(first.log(), 1, 3, 1);
            first.log().sync();
        }
        try (XodusStorage again = TestStorage.open(dir)) {
            assertThat(again.log().lastIndex()).isEqualTo(3);
        }
    }

    @Test
    void anOpenFromAnotherProcessIsRefusedNamingTheHolder() {
        try (ChildJvm holder = ChildJvm.start(HoldStorageMain.class, dir.toString())) {
            final String pid = holder.awaitLine("OPEN pid ").split(" ")[2];

            assertThatThrownBy(() -> TestStorage.open(dir)).isInstanceOf(StorageException.class)
                .hasMessageContaining("is already in use by another process (Xodus lock ")
                .hasMessageContaining("xd.lck is held")
                .hasMessageContaining("Private property of Exodus: " + pid + "@");

            holder.closeInput();
            holder.awaitLine("CLOSED");
            assertThat(holder.awaitExit()).isZero();
        }
        try (XodusStorage storage = TestStorage.open(dir)) {
            assertThat(storage.log().lastIndex()).isZero();
        }
    }

    @Test
    void aRefusedOpenInTheSameProcessLeavesTheDirectoryLockedAgainstOtherProcesses() throws Exception {
        try (XodusStorage first = TestStorage.open(dir)) {
            assertThatThrownBy(() -> TestStorage.open(dir)).isInstanceOf(StorageException.class);

            try (ChildJvm intruder = ChildJvm.start(TryOpenMain.class, dir.toString())) {
                assertThat(intruder.awaitLine("")).startsWith("REFUSED ")
                    .contains("is already in use by another process");
                assertThat(intruder.awaitExit()).isZero();
            }
            assertThat(Files.exists(dir.resolve(XodusStorage.LOCK_FILE))).isTrue();
            first.log().append(1, 1, TestStorage.entry(1));
            first.log().sync();
        }
    }
}
