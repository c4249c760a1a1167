package io.skiff.storage.xodus.store;

import io.skiff.NodeAddress;
import io.skiff.StorageException;

import java.nio.file.Path;

/** Child process: tries once to open the storage in {@code args[0]}; says {@code OPENED} or {@code REFUSED why}. */
public final class TryOpenMain {
    private TryOpenMain() {
    }

    public static void main(String[] args) {
        try (XodusStorage storage = XodusStorage.open(Path.of(args[0]), NodeAddress.parse("/mem/intruder"),
            TestStorage.FSYNC)) {
            System.out.println("OPENED " + storage.log().lastIndex());
        } catch (StorageException e) {
            System.out.println("REFUSED " + e.getMessage());
        }
    }
}
