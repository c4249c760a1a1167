package io.skiff.core.kv;

import io.skiff.spi.Providers;
import io.skiff.spi.StateMachineContext;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class KvStateMachineProviderTest {
    @Test
    void serviceLoaderFindsTheKvStateMachineByName() {
        assertThat(Providers.stateMachine("kv")).isInstanceOf(KvStateMachineProvider.class);
    }

    @Test
    void openGivesAnEmptyKvStateMachine() {
        final var machine = new KvStateMachineProvider().open(new StateMachineContext(null, null, null));

        assertThat(machine).isInstanceOf(KvStateMachine.class);
        assertThat(machine.appliedIndex()).isZero();
    }

    @Test
    void classPathServiceFileNamesBothProviders() throws IOException {
        try (InputStream in = KvStateMachineProvider.class.getModule()
            .getResourceAsStream("META-INF/services/io.skiff.spi.StateMachineProvider")) {
            assertThat(in).isNotNull();
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8).lines())
                .containsExactly(KvStateMachineProvider.class.getName(), StorageKvStateMachineProvider.class.getName());
        }
    }
}
