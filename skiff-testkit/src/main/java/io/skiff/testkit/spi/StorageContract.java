package io.skiff.testkit.spi;

import io.skiff.spi.Storage;
import org.junit.jupiter.api.AfterEach;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Base of the storage contract tests: opens the storage under test through {@link #openStorage()}, reopens it to
 * simulate a restart, and closes whatever is still open after each test.
 *
 * <p>JUnit creates a new instance of the test class for every test, so an implementation keeps its fixture (a
 * provider instance, a temporary directory) in instance fields.
 */
public abstract class StorageContract {
    private final List<Storage> opened = new ArrayList<>();

    /**
     * Opens the storage under test. The first call of a test must give empty storage; a later call, after the
     * storage was closed, must open the same data again, as a restarted node does.
     *
     * @return the storage.
     */
    protected abstract Storage openStorage();

    /** @return the storage under test, opened and tracked so that it is closed after the test. */
    protected final Storage open() {
        final Storage storage = openStorage();
        opened.add(storage);
        return storage;
    }

    /**
     * Closes the storage and opens it again: a clean restart.
     *
     * @param storage the storage, open.
     * @return the reopened storage.
     */
    protected final Storage reopen(Storage storage) {
        opened.remove(storage);
        storage.close();
        return open();
    }

    /** Closes every storage the test left open. */
    @AfterEach
    public final void closeOpenedStorage() {
        for (Storage storage : opened) {
            storage.close();
        }
        opened.clear();
    }

    /**
     * @param text the content.
     * @return a buffer holding the text's UTF-8 bytes between position and limit.
     */
    protected static ByteBuffer bytes(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * @param buffer bytes between position and limit; the position is left unchanged.
     * @return them decoded as UTF-8.
     */
    protected static String text(ByteBuffer buffer) {
        final byte[] bytes = new byte[buffer.remaining()];
        buffer.get(buffer.position(), bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
