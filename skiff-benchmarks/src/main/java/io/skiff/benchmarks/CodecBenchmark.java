package io.skiff.benchmarks;

import io.skiff.core.codec.Checksums;
import io.skiff.core.codec.FrameDecoder;
import io.skiff.core.codec.FrameEncoder;
import io.skiff.core.codec.FrameHeader;
import io.skiff.core.codec.LogEntry;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.ByteBuffer;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The wire codec alone: encoding an AppendEntries frame of {@code entries} entries of 100-byte commands, as a
 * leader does for each follower (header, then the entries copied from its log, already sealed with their CRC32C),
 * and decoding one with full validation (header checks and every entry's index, term and CRC32C), as a follower
 * does. Both should allocate nothing: run with {@code -prof gc} to see {@code gc.alloc.rate.norm} per operation.
 *
 * <p>One operation is one frame; divide by {@code entries} for the cost per entry.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {Workload.ADD_EXPORTS, "-Xmx512m"})
public class CodecBenchmark {
    private static final String CLUSTER = "bench";
    private static final long TERM = 7;

    @Param({"1", "16", "256"})
    public int entries;

    private final Object sender = new Object();
    private final IgnoringHandler handler = new IgnoringHandler();
    private FrameEncoder encoder;
    private FrameDecoder<Object> decoder;
    private UnsafeBuffer sealedEntries;
    private int sealedLength;
    private UnsafeBuffer encodeTarget;
    private UnsafeBuffer frame;
    private int frameLength;

    @Setup(Level.Trial)
    public void setUp() {
        final long clusterId = FrameHeader.clusterIdHash(CLUSTER);
        encoder = new FrameEncoder(clusterId, "/mem/leader");
        decoder = new FrameDecoder<>(clusterId, (type, buffer, offset, length) -> sender);
        final int entryLength = LogEntry.HEADER_LENGTH + Workload.VALUE_BYTES;
        sealedEntries = new UnsafeBuffer(ByteBuffer.allocateDirect(entries * entryLength));
        final byte[] payload = new byte[Workload.VALUE_BYTES];
        final Checksums checksums = new Checksums();
        for (int i = 0; i < entries; i++) {
            ThreadLocalRandom.current().nextBytes(payload);
            final int offset = i * entryLength;
            sealedEntries.putBytes(offset + LogEntry.HEADER_LENGTH, payload);
            sealedLength += LogEntry.seal(sealedEntries, offset, 1_000 + i, TERM, LogEntry.TYPE_COMMAND,
                Workload.VALUE_BYTES, checksums);
        }
        final int capacity = encoder.headerLength() + 64 + sealedLength;
        encodeTarget = new UnsafeBuffer(ByteBuffer.allocateDirect(capacity));
        frame = new UnsafeBuffer(ByteBuffer.allocateDirect(capacity));
        frameLength = encode(frame);
        if (decoder.decode(frame, 0, frameLength, handler) != FrameDecoder.OK) {
            throw new IllegalStateException("the benchmark frame does not decode: " + decoder.describeLastError());
        }
    }

    /** @return the frame length, so that the encoding is used. */
    @Benchmark
    public int encode() {
        return encode(encodeTarget);
    }

    /** @return the decoded last index, so that the decoding is used. */
    @Benchmark
    public long decode() {
        final int result = decoder.decode(frame, 0, frameLength, handler);
        if (result != FrameDecoder.OK) {
            throw new IllegalStateException("expected a valid frame, actual result " + result);
        }
        return handler.lastIndex;
    }

    private int encode(UnsafeBuffer target) {
        final int entriesOffset = encoder.beginAppendRequest(target, 0, TERM, 999, TERM, 990);
        target.putBytes(entriesOffset, sealedEntries, 0, sealedLength);
        return encoder.finishAppendRequest(target, 0, entries, sealedLength);
    }
}
