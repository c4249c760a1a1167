package io.skiff.core.raft;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guards the core's determinism: the compiled classes of io.skiff.core.raft may not reach clocks, threads, their
 * own randomness or I/O. A simulation can only replay a run if the core depends on nothing but its inputs.
 */
class DeterminismTest {
    /** Class and member names as they appear in a class file's constant pool. */
    private static final Pattern FORBIDDEN = Pattern.compile("nanoTime|currentTimeMillis|java/lang/Thread"
        + "|java/util/concurrent/ThreadLocalRandom|java/util/Random(?![A-Za-z])|java/security/SecureRandom"
        + "|java/time/(Instant|Clock|LocalDateTime)|java/io/File|java/nio/channels/|java/nio/file/|java/net/");

    @Test
    void theRaftCoreReferencesNoClockThreadRandomnessOrIo() throws IOException {
        final Path classes = Path.of(RaftCore.class.getProtectionDomain().getCodeSource().getLocation().getPath())
            .resolve("io/skiff/core/raft");
        assertThat(classes).isDirectory();
        try (Stream<Path> files = Files.list(classes)) {
            final List<Path> classFiles = files.filter(p -> p.toString().endsWith(".class")).toList();
            assertThat(classFiles).isNotEmpty();
            for (Path classFile : classFiles) {
                final String constants = new String(Files.readAllBytes(classFile), StandardCharsets.ISO_8859_1);
                final Matcher matcher = FORBIDDEN.matcher(constants);
                assertThat(matcher.find()).as("%s refers to %s", classFile.getFileName(),
                    matcher.find(0) ? matcher.group() : "").isFalse();
            }
        }
    }
}
