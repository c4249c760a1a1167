/**
 * Contract tests for {@link io.skiff.spi.Storage} implementations: abstract JUnit 5 classes that pin every rule of
 * the storage SPI. An implementer extends {@link io.skiff.testkit.spi.LogStoreContract},
 * {@link io.skiff.testkit.spi.StateStoreContract} and {@link io.skiff.testkit.spi.SnapshotStoreContract} (for
 * instance as {@code @Nested} classes of one test) and implements
 * {@link io.skiff.testkit.spi.StorageContract#openStorage()}.
 */
package io.skiff.testkit.spi;
