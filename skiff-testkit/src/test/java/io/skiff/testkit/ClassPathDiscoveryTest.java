package io.skiff.testkit;

import io.skiff.NoProviderException;
import io.skiff.NodeState;
import io.skiff.Skiff;
import io.skiff.SkiffNode;
import io.skiff.SkiffOptions;
import io.skiff.spi.Providers;
import io.skiff.spi.StateMachineProvider;
import io.skiff.spi.StorageProvider;
import io.skiff.spi.TransportProvider;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Service discovery works the same on the module path ({@code provides} clauses) and on the class path
 * ({@code META-INF/services}). The build runs this class in both: in the default Surefire execution on the module
 * path, and in a second one with the module path off, which sets {@value #CLASS_PATH_PROPERTY} so that the test
 * knows where it must be running.
 */
class ClassPathDiscoveryTest {
    static final String CLASS_PATH_PROPERTY = "skiff.test.classPath";

    private static final boolean ON_MODULE_PATH = Providers.class.getModule().isNamed();

    @Test
    void runsWhereTheBuildSaysItRuns() {
        assertThat(ON_MODULE_PATH).as("io.skiff is a named module")
            .isNotEqualTo(Boolean.getBoolean(CLASS_PATH_PROPERTY));
    }

    @Test
    void skiffNodeFindsTheCoreImplementation() {
        final SkiffNode node = Skiff.node("/mem/discovery-x", SkiffOptions.builder()
            .electionTimeoutMin(Duration.ofMillis(150)).electionTimeoutMax(Duration.ofMillis(300))
            .appendEntriesInterval(Duration.ofMillis(50)).build());
        try {
            assertThat(node.getClass().getName()).startsWith("io.skiff.core.");
            assertThat(location(node)).isEqualTo(ON_MODULE_PATH ? "io.skiff.core" : "class path");

            Await.result(node.start());
            Await.until("a single node leads itself", () -> node.state() == NodeState.LEADER);
            Await.result(node.levelup().put("found", "yes"));
            assertThat(Await.result(node.levelup().get("found"))).contains("yes");
        } finally {
            node.close();
        }
    }

    @Test
    void providersResolveStorageStateMachineAndTransportByName() {
        final StorageProvider storage = Providers.storage("memory");
        final StateMachineProvider stateMachine = Providers.stateMachine("kv");
        final TransportProvider transport = Providers.transport("mem");

        assertThat(storage.name()).isEqualTo("memory");
        assertThat(location(storage)).isEqualTo(ON_MODULE_PATH ? "io.skiff.core" : "class path");
        assertThat(stateMachine.name()).isEqualTo("kv");
        assertThat(location(stateMachine)).isEqualTo(ON_MODULE_PATH ? "io.skiff.core" : "class path");
        assertThat(transport.protocol()).isEqualTo("mem");
        assertThat(location(transport)).isEqualTo(ON_MODULE_PATH ? "io.skiff.testkit" : "class path");
    }

    @Test
    void aMissingTransportNamesTheAvailableProtocolsAndWhereTheyComeFrom() {
        final String available = ON_MODULE_PATH ? "mem (io.skiff.testkit)"
            : "mem (" + DefaultMemoryNetworkProvider.class.getName() + " on the class path)";

        assertThatThrownBy(() -> Providers.transport("tcp")).isInstanceOf(NoProviderException.class)
            .hasMessage("no transport for protocol 'tcp'; available: " + available);
    }

    @Test
    void aMissingStorageOrStateMachineNamesTheAvailableOnes() {
        final String core = ON_MODULE_PATH ? "io.skiff.core" : "on the class path";

        assertThatThrownBy(() -> Providers.storage("xodus")).isInstanceOf(NoProviderException.class)
            .hasMessageStartingWith("no storage named 'xodus'; available: memory (")
            .hasMessageContaining(core);
        assertThatThrownBy(() -> Providers.stateMachine("sql")).isInstanceOf(NoProviderException.class)
            .hasMessageStartingWith("no state machine named 'sql'; available: kv (")
            .hasMessageContaining(core);
    }

    private static String location(Object provider) {
        final Module module = provider.getClass().getModule();
        return module.isNamed() ? module.getName() : "class path";
    }
}
