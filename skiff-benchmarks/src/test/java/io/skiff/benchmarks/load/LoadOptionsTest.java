package io.skiff.benchmarks.load;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LoadOptionsTest {
    @Test
    void defaultsAreOneSequentialWriterOnAnInMemoryCluster() {
        final LoadOptions options = LoadOptions.defaults();
        assertThat(options.cluster()).isEqualTo(new ClusterSpec(3, "mem", "memory", true, "kv"));
        assertThat(options.concurrency()).isEqualTo(1);
        assertThat(options.valueBytes()).isEqualTo(100);
        assertThat(options.duration()).isEqualTo(Duration.ofSeconds(20));
        assertThat(options.json()).isFalse();
        assertThat(options.jsonOut()).isNull();
    }

    @Test
    void everyOptionIsRead() {
        final LoadOptions options = LoadOptions.parse("--nodes", "5", "--transport", "udp", "--storage", "xodus",
            "--durability", "none", "--state-machine", "kv-storage", "--clients", "4", "--in-flight", "64",
            "--value-size", "256", "--reads", "50", "--read-consistency", "lease", "--keys", "1_000", "--warmup",
            "500ms", "--duration", "2m", "--target", "all", "--progress", "0", "--json", "--json-out", "results.jsonl");
        assertThat(options.cluster()).isEqualTo(new ClusterSpec(5, "udp", "xodus", false, "kv-storage"));
        assertThat(options.concurrency()).isEqualTo(256);
        assertThat(options.valueBytes()).isEqualTo(256);
        assertThat(options.readPercent()).isEqualTo(50);
        assertThat(options.readConsistency()).isEqualTo(io.skiff.ReadConsistency.LEASE);
        assertThat(options.keys()).isEqualTo(1_000);
        assertThat(options.warmup()).isEqualTo(Duration.ofMillis(500));
        assertThat(options.duration()).isEqualTo(Duration.ofMinutes(2));
        assertThat(options.allNodes()).isTrue();
        assertThat(options.progressInterval()).isZero();
        assertThat(options.json()).isTrue();
        assertThat(options.jsonOut()).isEqualTo(Path.of("results.jsonl"));
    }

    @Test
    void wrongOptionsAreRefusedWithWhatWasExpected() {
        assertThatThrownBy(() -> LoadOptions.parse("--bogus")).hasMessageContaining("unknown option --bogus");
        assertThatThrownBy(() -> LoadOptions.parse("--reads", "101")).hasMessageContaining("--reads expects 0 to 100");
        assertThatThrownBy(() -> LoadOptions.parse("--read-consistency", "eventual"))
            .hasMessage("option --read-consistency expects linearizable, lease or local, actual 'eventual'");
        assertThatThrownBy(() -> LoadOptions.parse("--transport", "tcp")).hasMessageContaining("mem or udp");
        assertThatThrownBy(() -> LoadOptions.parse("--duration", "soon")).hasMessageContaining("such as 20s");
        assertThatThrownBy(() -> LoadOptions.parse("--clients")).hasMessageContaining("expects a value");
    }
}
