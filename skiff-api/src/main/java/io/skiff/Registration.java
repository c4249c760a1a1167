package io.skiff;

/** A listener registration; closing it removes the listener. Closing twice is harmless. */
@FunctionalInterface
public interface Registration extends AutoCloseable {
    @Override
    void close();
}
