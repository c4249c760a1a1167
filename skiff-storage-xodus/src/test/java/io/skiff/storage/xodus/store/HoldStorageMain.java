package io.skiff.storage.xodus.store;

import io.skiff.NodeAddress;

import java.nio.file.Path;

/** Child process: opens the storage in {@code args[0]}, says {@code OPEN}, keeps it until its input closes. */
public final class HoldStorageMain {
    private HoldStorageMain() {
    }

    public static void main(String[] args) throws Exception {
        try (XodusStorage storage = XodusStorage.open(Path.of(args[0]), NodeAddress.parse("/mem/holder"),
            TestStorage.FSYNC)) {
            System.out.println("OPEN pid " + ProcessHandle.current().pid() + " " + storage.directory());
            System.out.flush();
            while (System.in.read() >= 0) {
                continue;
            }
        }
        System.out.println("CLOSED");
    }
}
