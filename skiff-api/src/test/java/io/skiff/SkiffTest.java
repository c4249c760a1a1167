package io.skiff;

import io.skiff.spi.Providers;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What {@link Skiff#node} does with only the API on the path: it validates, then says what is missing. */
class SkiffTest {
    @Test
    void nodeWithoutAnImplementationOnThePathSaysToAddSkiffCore() {
        assertThatThrownBy(() -> Skiff.node("/mem/a", SkiffOptions.defaults()))
            .isInstanceOf(NoProviderException.class)
            .hasMessageContaining("no Skiff node implementation found")
            .hasMessageContaining("add the skiff-core artifact (module io.skiff.core)");
        assertThatThrownBy(() -> Skiff.node("/mem/a")).isInstanceOf(NoProviderException.class);
    }

    @Test
    void malformedAddressIsRejectedBeforeLookingForAnImplementation() {
        assertThatThrownBy(() -> Skiff.node("mem/a", SkiffOptions.defaults()))
            .isInstanceOf(InvalidAddressException.class).hasMessageContaining("/mem/NAME");
    }

    @Test
    void missingOptionsAreRejectedPointingToTheDefaults() {
        assertThatThrownBy(() -> Skiff.node("/mem/a", null)).isInstanceOf(InvalidOptionsException.class)
            .hasMessage("options must not be null; use SkiffOptions.defaults()");
    }

    @Test
    void optionsListingTheNodeItselfAsPeerAreRejected() {
        final SkiffOptions options = SkiffOptions.builder().peers("/mem/b", "/MEM/a").build();

        assertThatThrownBy(() -> Skiff.node(" /mem/a", options)).isInstanceOf(InvalidOptionsException.class)
            .hasMessage("peers must not contain the node's own address /mem/a");
    }

    @Test
    void missingProvidersAreReportedWithWhatIsAvailable() {
        assertThatThrownBy(() -> Providers.transport("udp")).isInstanceOf(NoProviderException.class)
            .hasMessage("no transport for protocol 'udp'; available: none");
        assertThatThrownBy(() -> Providers.storage("memory")).isInstanceOf(NoProviderException.class)
            .hasMessage("no storage named 'memory'; available: none");
        assertThatThrownBy(() -> Providers.stateMachine("kv")).isInstanceOf(NoProviderException.class)
            .hasMessage("no state machine named 'kv'; available: none");
    }
}
