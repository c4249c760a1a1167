/**
 * A plain TCP transport over {@code java.nio}, protocol {@code tcp}: the worked example of how to write a transport.
 *
 * <h2>Use</h2>
 * Put this module (or its jar) beside skiff-core and give nodes tcp addresses; nothing else changes:
 * <pre>{@code
 * SkiffNode node = Skiff.node("/ip4/127.0.0.1/tcp/9490", SkiffOptions.builder()
 *     .peers("/ip4/127.0.0.1/tcp/9491", "/ip4/127.0.0.1/tcp/9492")
 *     .providerOptions(TcpTransportOptions.defaults().withMaxFrameLength(4 * 1024 * 1024))  // optional
 *     .build());
 * }</pre>
 *
 * <h2>What a transport has to do</h2>
 * <ol>
 *   <li>{@link io.skiff.spi.TransportProvider}: name the protocol and open one transport per node
 *   ({@link io.skiff.examples.tcp.TcpTransportProvider}), registered in {@code module-info} and in
 *   {@code META-INF/services}.</li>
 *   <li>{@link io.skiff.spi.Transport#send}: copy the frame, never block, and say with a
 *   {@link io.skiff.spi.SendResult} when it could not be sent; the node decides whether to retry.</li>
 *   <li>{@link io.skiff.spi.Transport#poll}: hand whole frames to the handler, at most the limit, without
 *   blocking; the node's loop calls it every duty cycle and idles when it returns 0.</li>
 *   <li>{@link io.skiff.spi.Transport#connect} / {@link io.skiff.spi.Transport#disconnect}: set up and tear down
 *   the way to a peer, and report {@code onConnected}/{@code onDisconnected} once per change.</li>
 * </ol>
 * What a transport does <em>not</em> have to do: order, deduplicate, retransmit or validate frames. Raft tolerates
 * loss, duplication and reordering, and the node checks every frame's header, checksum and authentication, so a
 * transport's only promise is that a frame arrives whole or not at all.
 *
 * <h2>Design of this one</h2>
 * Each node listens on its address and dials one connection to each peer; it sends on the connections it dialled
 * and receives on those it accepted, so no connection has two writers and nobody has to agree who dials whom. The
 * stream format, the reconnection back-off and the back-pressure rule are described in
 * {@link io.skiff.examples.tcp.TcpTransport}.
 * Limits: frames up to {@link io.skiff.examples.tcp.TcpTransportOptions#maxFrameLength()} (1 MiB by default); no TLS
 * (use the node's frame authentication, {@code SkiffOptions.Builder.authenticationKeys}, against forged frames).
 */
package io.skiff.examples.tcp;
