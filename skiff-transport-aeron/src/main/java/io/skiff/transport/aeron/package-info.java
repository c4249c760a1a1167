/**
 * The {@code udp} transport: nodes addressed {@code /ip4/HOST/udp/PORT}, {@code /ip6/HOST/udp/PORT} or
 * {@code /dns4/NAME/udp/PORT} exchange frames over Aeron UDP.
 *
 * <h2>Use</h2>
 * Put this module on the module path (or its jar on the class path) and give nodes udp addresses; the transport is
 * found by {@link java.util.ServiceLoader}. Options are optional:
 * <pre>{@code
 * SkiffOptions options = SkiffOptions.builder()
 *     .peers("/ip4/127.0.0.1/udp/9491", "/ip4/127.0.0.1/udp/9492")
 *     .providerOptions(AeronTransportOptions.builder().termLength(4 * 1024 * 1024).build())
 *     .build();
 * LevelUp db = Skiff.node("/ip4/127.0.0.1/udp/9490", options);
 * }</pre>
 *
 * <h2>The media driver</h2>
 * By default each process runs one embedded Aeron media driver, shared by all its nodes: it starts with the first
 * node and stops with the last. It runs one thread (Aeron's SHARED threading mode) that backs off when idle, and
 * keeps its files in a directory of its own ({@code skiff-aeron-PID-RANDOM} under {@code /dev/shm} when present,
 * else under {@code java.io.tmpdir}), deleted when the driver starts and when it stops. With
 * {@link io.skiff.transport.aeron.AeronTransportOptions.Builder#externalDriver(java.nio.file.Path)} the nodes attach
 * to a driver started separately (for example {@code java io.aeron.driver.MediaDriver}), which then owns every
 * driver setting but the per-publication term length, MTU and linger.
 *
 * <h2>JVM flags</h2>
 * Aeron and Agrona are automatic modules ({@code io.aeron.client}, {@code io.aeron.driver}, {@code org.agrona}).
 * Agrona reads {@code jdk.internal.misc}, so the JVM needs
 * <pre>{@code
 * --add-exports java.base/jdk.internal.misc=org.agrona          (module path)
 * --add-exports java.base/jdk.internal.misc=ALL-UNNAMED         (class path)
 * }</pre>
 * (as an {@code Add-Exports: java.base/jdk.internal.misc} manifest line for {@code java -jar}). Nothing else is
 * needed: the driver and client run on the module path without further {@code --add-opens}. Depend on
 * {@code aeron-client} and {@code aeron-driver}, never on {@code aeron-all}, which repackages Agrona's packages and
 * so collides with {@code org.agrona} on the module path.
 *
 * <h2>Limits</h2>
 * Frames up to a term length / 8 (128 KiB with the default 1 MiB term); longer ones are refused with an
 * {@link java.lang.IllegalArgumentException}. Connection loss after a graceful close is seen at once (the peer's
 * driver says so); after a crash it is seen when the publication times out (Aeron's default, 5 s). Peers of one
 * cluster must use the same stream id.
 */
package io.skiff.transport.aeron;
