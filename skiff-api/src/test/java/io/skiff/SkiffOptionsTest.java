package io.skiff;

import io.skiff.spi.StateMachine;
import io.skiff.spi.StateMachineContext;
import io.skiff.spi.StateMachineProvider;
import io.skiff.spi.Storage;
import io.skiff.spi.StorageContext;
import io.skiff.spi.StorageProvider;
import io.skiff.spi.Transport;
import io.skiff.spi.TransportContext;
import io.skiff.spi.TransportProvider;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SkiffOptionsTest {
    @Test
    void defaultsAreTheOriginalSkiffDefaults() {
        final SkiffOptions options = SkiffOptions.defaults();

        assertThat(options.peers()).isEmpty();
        assertThat(options.storage()).isEqualTo("memory");
        assertThat(options.rpcTimeout()).isEqualTo(Duration.ofMillis(2000));
        assertThat(options.appendEntriesInterval()).isEqualTo(Duration.ofMillis(100));
        assertThat(options.electionTimeoutMin()).isEqualTo(Duration.ofMillis(300));
        assertThat(options.electionTimeoutMax()).isEqualTo(Duration.ofMillis(600));
        assertThat(options.installSnapshotChunkSize()).isEqualTo(10);
        assertThat(options.batchEntriesLimit()).isEqualTo(10);
        assertThat(options.clientRetryRpcTimeout()).isEqualTo(Duration.ofMillis(200));
        assertThat(options.clientMaxRetries()).isEqualTo(10);
        assertThat(options.waitBeforeLeave()).isEqualTo(Duration.ofMillis(4000));
        assertThat(options.minLogRetention()).isEqualTo(100);
    }

    @Test
    void defaultsOfTheOptionsTheOriginalDidNotHave() {
        final SkiffOptions options = SkiffOptions.defaults();

        assertThat(options.storageProvider()).isEmpty();
        assertThat(options.location()).isEqualTo(Path.of("skiff-data"));
        assertThat(options.network()).isEmpty();
        assertThat(options.stateMachine()).isEqualTo("kv");
        assertThat(options.stateMachineProvider()).isEmpty();
        assertThat(options.clusterId()).isEqualTo("skiff");
        assertThat(options.installSnapshotChunkBytes()).isEqualTo(256 * 1024);
        assertThat(options.maxAppendBytes()).isEqualTo(64 * 1024);
        assertThat(options.maxInflightAppends()).isEqualTo(64);
        assertThat(options.maxInflightBytes()).isEqualTo(4 * 1024 * 1024);
        assertThat(options.maxPendingOperations()).isEqualTo(65_536);
        assertThat(options.maxCommandBytes()).isEqualTo(64 * 1024);
        assertThat(options.preVote()).isTrue();
        assertThat(options.checkQuorum()).isTrue();
        assertThat(options.join()).isFalse();
        assertThat(options.seed()).isEmpty();
        assertThat(options.providerOptions(String.class)).isEmpty();
    }

    @Test
    void builderStartsFromTheDefaultsAndTheConstantsMatchThem() {
        final SkiffOptions built = SkiffOptions.builder().build();

        assertThat(built).hasToString(SkiffOptions.defaults().toString());
        assertThat(built.rpcTimeout()).isEqualTo(SkiffOptions.DEFAULT_RPC_TIMEOUT);
        assertThat(built.appendEntriesInterval()).isEqualTo(SkiffOptions.DEFAULT_APPEND_ENTRIES_INTERVAL);
        assertThat(built.electionTimeoutMin()).isEqualTo(SkiffOptions.DEFAULT_ELECTION_TIMEOUT_MIN);
        assertThat(built.electionTimeoutMax()).isEqualTo(SkiffOptions.DEFAULT_ELECTION_TIMEOUT_MAX);
        assertThat(built.clientRetryRpcTimeout()).isEqualTo(SkiffOptions.DEFAULT_CLIENT_RETRY_RPC_TIMEOUT);
        assertThat(built.clientMaxRetries()).isEqualTo(SkiffOptions.DEFAULT_CLIENT_MAX_RETRIES);
        assertThat(built.waitBeforeLeave()).isEqualTo(SkiffOptions.DEFAULT_WAIT_BEFORE_LEAVE);
        assertThat(built.minLogRetention()).isEqualTo(SkiffOptions.DEFAULT_MIN_LOG_RETENTION);
        assertThat(built.batchEntriesLimit()).isEqualTo(SkiffOptions.DEFAULT_BATCH_ENTRIES_LIMIT);
        assertThat(built.installSnapshotChunkSize()).isEqualTo(SkiffOptions.DEFAULT_INSTALL_SNAPSHOT_CHUNK_SIZE);
        assertThat(built.storage()).isEqualTo(SkiffOptions.DEFAULT_STORAGE);
    }

    @Test
    void electionTimeoutMinNotBelowMaxIsRejectedNamingBothValues() {
        assertThatThrownBy(() -> SkiffOptions.builder().electionTimeoutMin(Duration.ofMillis(700)).build())
            .isInstanceOf(InvalidOptionsException.class)
            .hasMessage("electionTimeoutMin (700 ms) must be less than electionTimeoutMax (600 ms)");
        assertThatThrownBy(() -> SkiffOptions.builder().electionTimeoutMin(Duration.ofMillis(500))
            .electionTimeoutMax(Duration.ofMillis(500)).build())
            .isInstanceOf(InvalidOptionsException.class)
            .hasMessage("electionTimeoutMin (500 ms) must be less than electionTimeoutMax (500 ms)");
    }

    @Test
    void heartbeatNotBelowTheElectionTimeoutIsRejectedNamingBothValues() {
        assertThatThrownBy(() -> SkiffOptions.builder().appendEntriesInterval(Duration.ofMillis(300)).build())
            .isInstanceOf(InvalidOptionsException.class)
            .hasMessageStartingWith("appendEntriesInterval (300 ms) must be less than electionTimeoutMin (300 ms)");
    }

    @Test
    void theLeaseClockDriftDefaultsToATenthOfTheElectionTimeoutWhateverItIsSetTo() {
        assertThat(SkiffOptions.defaults().leaseClockDrift()).isEqualTo(Duration.ofMillis(30));
        final SkiffOptions shorter = SkiffOptions.defaults().toBuilder().electionTimeoutMin(Duration.ofMillis(50))
            .appendEntriesInterval(Duration.ofMillis(10)).build();
        assertThat(shorter.leaseClockDrift()).isEqualTo(Duration.ofMillis(5));
        assertThat(shorter.toBuilder().leaseClockDrift(Duration.ofMillis(7)).build().leaseClockDrift())
            .isEqualTo(Duration.ofMillis(7));
    }

    @Test
    void aLeaseClockDriftThatLeavesTheLeaseNoLongerThanAHeartbeatIsRejectedNamingTheValues() {
        assertThatThrownBy(() -> SkiffOptions.builder().leaseClockDrift(Duration.ofMillis(200)).build())
            .isInstanceOf(InvalidOptionsException.class)
            .hasMessageStartingWith("leaseClockDrift (200 ms) must be less than electionTimeoutMin - "
                + "appendEntriesInterval (200 ms)");
        assertThat(SkiffOptions.builder().leaseClockDrift(Duration.ofMillis(199)).build().leaseClockDrift())
            .isEqualTo(Duration.ofMillis(199));
        assertThatThrownBy(() -> SkiffOptions.builder().leaseClockDrift(Duration.ZERO))
            .isInstanceOf(InvalidOptionsException.class)
            .hasMessage("leaseClockDrift must be a positive duration, got PT0S");
    }

    @Test
    void inflightBytesBelowAppendBytesIsRejectedNamingBothValues() {
        assertThatThrownBy(() -> SkiffOptions.builder().maxAppendBytes(8192).maxInflightBytes(4096).build())
            .isInstanceOf(InvalidOptionsException.class)
            .hasMessage("maxInflightBytes (4096) must be at least maxAppendBytes (8192)");
    }

    @Test
    void theOrderOfSettersDoesNotMatterOnlyTheFinalCombination() {
        final SkiffOptions options = SkiffOptions.builder().electionTimeoutMin(Duration.ofMillis(1000))
            .electionTimeoutMax(Duration.ofMillis(2000)).build();

        assertThat(options.electionTimeoutMin()).isEqualTo(Duration.ofSeconds(1));
        assertThat(options.electionTimeoutMax()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void nonPositiveDurationsAreRejectedNamingTheOptionAndValue() {
        final SkiffOptions.Builder builder = SkiffOptions.builder();

        assertThatThrownBy(() -> builder.rpcTimeout(Duration.ZERO)).isInstanceOf(InvalidOptionsException.class)
            .hasMessage("rpcTimeout must be a positive duration, got PT0S");
        assertThatThrownBy(() -> builder.appendEntriesInterval(Duration.ofMillis(-1)))
            .hasMessage("appendEntriesInterval must be a positive duration, got PT-0.001S");
        assertThatThrownBy(() -> builder.electionTimeoutMin(null))
            .hasMessage("electionTimeoutMin must be a positive duration, got null");
        assertThatThrownBy(() -> builder.electionTimeoutMax(Duration.ZERO))
            .hasMessageStartingWith("electionTimeoutMax must be a positive duration");
        assertThatThrownBy(() -> builder.clientRetryRpcTimeout(Duration.ZERO))
            .hasMessageStartingWith("clientRetryRpcTimeout must be a positive duration");
        assertThatThrownBy(() -> builder.waitBeforeLeave(Duration.ofSeconds(-1)))
            .hasMessage("waitBeforeLeave must be zero or a positive duration, got PT-1S");
        assertThat(builder.waitBeforeLeave(Duration.ZERO).build().waitBeforeLeave()).isZero();
    }

    @Test
    void countsBelowTheirMinimumAreRejectedNamingTheOptionMinimumAndValue() {
        final SkiffOptions.Builder builder = SkiffOptions.builder();

        assertThatThrownBy(() -> builder.installSnapshotChunkSize(0)).isInstanceOf(InvalidOptionsException.class)
            .hasMessage("installSnapshotChunkSize must be at least 1, got 0");
        assertThatThrownBy(() -> builder.installSnapshotChunkBytes(1023))
            .hasMessage("installSnapshotChunkBytes must be at least 1024, got 1023");
        assertThatThrownBy(() -> builder.batchEntriesLimit(0))
            .hasMessage("batchEntriesLimit must be at least 1, got 0");
        assertThatThrownBy(() -> builder.maxAppendBytes(1)).hasMessage("maxAppendBytes must be at least 1024, got 1");
        assertThatThrownBy(() -> builder.maxInflightAppends(0))
            .hasMessage("maxInflightAppends must be at least 1, got 0");
        assertThatThrownBy(() -> builder.maxInflightBytes(0))
            .hasMessage("maxInflightBytes must be at least 1024, got 0");
        assertThatThrownBy(() -> builder.clientMaxRetries(-1))
            .hasMessage("clientMaxRetries must be at least 0, got -1");
        assertThatThrownBy(() -> builder.minLogRetention(0)).hasMessage("minLogRetention must be at least 1, got 0");
        assertThatThrownBy(() -> builder.maxPendingOperations(0))
            .hasMessage("maxPendingOperations must be at least 1, got 0");
        assertThatThrownBy(() -> builder.maxCommandBytes(63)).hasMessage("maxCommandBytes must be at least 64, got 63");
        assertThat(builder.clientMaxRetries(0).build().clientMaxRetries()).isZero();
    }

    @Test
    void invalidClusterIdIsRejectedSayingWhatIsExpected() {
        for (String id : new String[] {null, "", "has space", "x".repeat(65), "caf\u00e9"}) {
            assertThatThrownBy(() -> SkiffOptions.builder().clusterId(id)).as("cluster id %s", id)
                .isInstanceOf(InvalidOptionsException.class)
                .hasMessage("clusterId '" + id + "' is invalid: expected 1 to 64 printable ASCII characters without "
                    + "spaces");
        }
        assertThat(SkiffOptions.builder().clusterId("x".repeat(64)).build().clusterId()).hasSize(64);
    }

    @Test
    void blankProviderNamesAreRejectedNamingTheOption() {
        assertThatThrownBy(() -> SkiffOptions.builder().storage(" ")).isInstanceOf(InvalidOptionsException.class)
            .hasMessage("storage must name a provider, got ' '");
        assertThatThrownBy(() -> SkiffOptions.builder().stateMachine((String)null))
            .isInstanceOf(InvalidOptionsException.class).hasMessage("stateMachine must name a provider, got 'null'");
    }

    @Test
    void joiningWithoutPeersIsRejectedSayingPeersAreTheMembersToJoin() {
        assertThatThrownBy(() -> SkiffOptions.builder().join(true).build()).isInstanceOf(InvalidOptionsException.class)
            .hasMessage("join needs peers: the current members of the cluster to join, at least one; got none");
        assertThat(SkiffOptions.builder().join(true).peers("/mem/a").build().join()).isTrue();
    }

    @Test
    void peersAreParsedDeduplicatedInOrderAndReplacedBySetting() {
        final SkiffOptions options = SkiffOptions.builder().peers("/mem/c", "/MEM/c", "/mem/a", " /mem/c").build();

        assertThat(options.peers()).extracting(NodeAddress::toString).containsExactly("/mem/c", "/mem/a");
        assertThat(options.toBuilder().peers("/mem/z").build().peers()).extracting(NodeAddress::toString)
            .containsExactly("/mem/z");
        assertThat(options.toBuilder().peers(List.of()).build().peers()).isEmpty();
        assertThatThrownBy(() -> options.peers().add(NodeAddress.parse("/mem/x")))
            .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void malformedPeerIsRejectedAsAnInvalidAddress() {
        assertThatThrownBy(() -> SkiffOptions.builder().peers("/mem/a", "/ip4/1.2.3.4/udp/0"))
            .isInstanceOf(InvalidAddressException.class).hasMessageContaining("/ip4/1.2.3.4/udp/0");
    }

    @Test
    void providerInstancesReplaceLookupsByName() {
        final StorageProvider storage = new NamedStorage("disk");
        final StateMachineProvider stateMachine = new NamedStateMachine("counter");
        final TransportProvider network = new NamedTransport();

        final SkiffOptions options = SkiffOptions.builder().storage(storage).stateMachine(stateMachine)
            .network(network).build();

        assertThat(options.storage()).isEqualTo("disk");
        assertThat(options.storageProvider()).containsSame(storage);
        assertThat(options.stateMachine()).isEqualTo("counter");
        assertThat(options.stateMachineProvider()).containsSame(stateMachine);
        assertThat(options.network()).containsSame(network);
        final SkiffOptions byName = options.toBuilder().storage("memory").stateMachine("kv").build();
        assertThat(byName.storageProvider()).isEmpty();
        assertThat(byName.stateMachineProvider()).isEmpty();
    }

    @Test
    void toBuilderRoundTripsEveryOption() {
        final StorageProvider storage = new NamedStorage("disk");
        final StateMachineProvider stateMachine = new NamedStateMachine("counter");
        final TransportProvider network = new NamedTransport();
        final SkiffOptions original = SkiffOptions.builder().peers("/mem/b", "/mem/c").storage(storage)
            .location(Path.of("/var/lib/skiff")).network(network).stateMachine(stateMachine).clusterId("prod-1")
            .rpcTimeout(Duration.ofMillis(1500)).appendEntriesInterval(Duration.ofMillis(40))
            .electionTimeoutMin(Duration.ofMillis(250)).electionTimeoutMax(Duration.ofMillis(450))
            .installSnapshotChunkSize(20).installSnapshotChunkBytes(2048).batchEntriesLimit(30)
            .maxAppendBytes(4096).maxInflightAppends(8).maxInflightBytes(8192)
            .clientRetryRpcTimeout(Duration.ofMillis(120)).clientMaxRetries(4).waitBeforeLeave(Duration.ofSeconds(1))
            .minLogRetention(50).maxPendingOperations(99).maxCommandBytes(512).preVote(false).checkQuorum(false)
            .seed(42).join(true).providerOptions(new StringBuilder("transport settings")).build();

        final SkiffOptions copy = original.toBuilder().build();

        assertThat(copy).usingRecursiveComparison().isEqualTo(original);
        assertThat(copy).hasToString(original.toString());
        assertThat(copy.seed()).hasValue(42);
        assertThat(copy.providerOptions(StringBuilder.class)).containsSame(
            original.providerOptions(StringBuilder.class).orElseThrow());
    }

    @Test
    void changingADerivedBuilderLeavesTheOriginalAlone() {
        final SkiffOptions original = SkiffOptions.builder().peers("/mem/b").clusterId("one").build();

        final SkiffOptions derived = original.toBuilder().peers("/mem/c").clusterId("two").clientMaxRetries(1)
            .providerOptions("extra").build();

        assertThat(original.peers()).extracting(NodeAddress::toString).containsExactly("/mem/b");
        assertThat(original.clusterId()).isEqualTo("one");
        assertThat(original.clientMaxRetries()).isEqualTo(10);
        assertThat(original.providerOptions(String.class)).isEmpty();
        assertThat(derived.providerOptions(String.class)).contains("extra");
    }

    @Test
    void providerOptionsAreKeyedByTheirClass() {
        final SkiffOptions options = SkiffOptions.builder().providerOptions("first").providerOptions("second")
            .providerOptions(7).build();

        assertThat(options.providerOptions(String.class)).contains("second");
        assertThat(options.providerOptions(Integer.class)).contains(7);
        assertThat(options.providerOptions(Long.class)).isEmpty();
    }

    private record NamedStorage(String name) implements StorageProvider {
        @Override
        public Storage open(StorageContext context) {
            throw new UnsupportedOperationException("not opened in these tests");
        }
    }

    private record NamedStateMachine(String name) implements StateMachineProvider {
        @Override
        public StateMachine open(StateMachineContext context) {
            throw new UnsupportedOperationException("not opened in these tests");
        }
    }

    private static final class NamedTransport implements TransportProvider {
        @Override
        public String protocol() {
            return "test";
        }

        @Override
        public Transport open(TransportContext context) {
            throw new UnsupportedOperationException("not opened in these tests");
        }
    }
}
