package io.skiff.transport.aeron;

import io.skiff.InvalidOptionsException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AeronTransportOptionsTest {
    @Test
    void defaultsSuitASmallMachine() {
        final AeronTransportOptions options = AeronTransportOptions.defaults();

        assertThat(options.embeddedDriver()).isTrue();
        assertThat(options.driverDirectory()).isEmpty();
        assertThat(options.termLength()).isEqualTo(1024 * 1024);
        assertThat(options.maxFrameLength()).isEqualTo(128 * 1024);
        assertThat(options.mtu()).isEqualTo(1408);
        assertThat(options.idleStrategy()).isEqualTo(AeronIdleStrategy.BACKOFF);
        assertThat(options.publicationLinger()).isEqualTo(Duration.ofSeconds(1));
        assertThat(options.livenessTimeout()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void aLivenessTimeoutOutsideTheRangeIsRefusedNamingIt() {
        assertThatThrownBy(() -> AeronTransportOptions.builder().livenessTimeout(Duration.ofSeconds(1)))
            .isInstanceOf(InvalidOptionsException.class)
            .hasMessage("livenessTimeout PT1S is invalid: expected a duration from PT2S to PT1H");
        assertThatThrownBy(() -> AeronTransportOptions.builder().livenessTimeout(null))
            .isInstanceOf(InvalidOptionsException.class)
            .hasMessageStartingWith("livenessTimeout null is invalid");
        assertThat(AeronTransportOptions.builder().livenessTimeout(Duration.ofHours(1)).build().livenessTimeout())
            .isEqualTo(Duration.ofHours(1));
    }

    @Test
    void aTermLengthThatIsNotAPowerOfTwoIsRefusedNamingIt() {
        assertThatThrownBy(() -> AeronTransportOptions.builder().termLength(1_000_000))
            .isInstanceOf(InvalidOptionsException.class)
            .hasMessage("termLength 1000000 is invalid: expected a power of two from 65536 (64 KiB) to 1073741824 "
                + "(1 GiB)");
    }

    @Test
    void aTermLengthOutsideAeronsRangeIsRefused() {
        assertThatThrownBy(() -> AeronTransportOptions.builder().termLength(32 * 1024))
            .isInstanceOf(InvalidOptionsException.class)
            .hasMessageStartingWith("termLength 32768 is invalid");
        assertThatThrownBy(() -> AeronTransportOptions.builder().termLength(Integer.MIN_VALUE))
            .isInstanceOf(InvalidOptionsException.class)
            .hasMessageStartingWith("termLength -2147483648 is invalid");
        assertThat(AeronTransportOptions.builder().termLength(64 * 1024).build().termLength()).isEqualTo(65536);
        assertThat(AeronTransportOptions.builder().termLength(1 << 30).build().maxFrameLength()).isEqualTo(1 << 27);
    }

    @Test
    void anMtuThatIsNotAlignedOrOutOfRangeIsRefusedNamingIt() {
        assertThatThrownBy(() -> AeronTransportOptions.builder().mtu(1500))
            .isInstanceOf(InvalidOptionsException.class)
            .hasMessage("mtu 1500 is invalid: expected a multiple of 32 from 64 to 65504");
        assertThatThrownBy(() -> AeronTransportOptions.builder().mtu(32))
            .isInstanceOf(InvalidOptionsException.class)
            .hasMessageStartingWith("mtu 32 is invalid");
        assertThatThrownBy(() -> AeronTransportOptions.builder().mtu(65536))
            .isInstanceOf(InvalidOptionsException.class)
            .hasMessageStartingWith("mtu 65536 is invalid");
    }

    @Test
    void anMtuLargerThanHalfATermIsRefusedNamingBoth() {
        assertThatThrownBy(() -> AeronTransportOptions.builder().termLength(64 * 1024).mtu(65504).build())
            .isInstanceOf(InvalidOptionsException.class)
            .hasMessage("mtu 65504 does not fit termLength 65536: expected mtu <= termLength / 2 (32768)");
    }

    @Test
    void idleStrategiesAreChosenByName() {
        assertThat(AeronTransportOptions.builder().idleStrategy("backoff").build().idleStrategy())
            .isEqualTo(AeronIdleStrategy.BACKOFF);
        assertThat(AeronTransportOptions.builder().idleStrategy("sleep").build().idleStrategy())
            .isEqualTo(AeronIdleStrategy.SLEEP);
        assertThat(AeronTransportOptions.builder().idleStrategy("Yield").build().idleStrategy())
            .isEqualTo(AeronIdleStrategy.YIELD);
        assertThat(AeronTransportOptions.builder().idleStrategy("busy-spin").build().idleStrategy())
            .isEqualTo(AeronIdleStrategy.BUSY_SPIN);
    }

    @Test
    void anUnknownIdleStrategyIsRefusedListingTheNames() {
        assertThatThrownBy(() -> AeronTransportOptions.builder().idleStrategy("spin"))
            .isInstanceOf(InvalidOptionsException.class)
            .hasMessage("idleStrategy 'spin' is unknown: expected one of backoff, sleep, yield, busy-spin");
        assertThatThrownBy(() -> AeronTransportOptions.builder().idleStrategy((String)null))
            .isInstanceOf(InvalidOptionsException.class)
            .hasMessageStartingWith("idleStrategy 'null' is unknown");
    }

    @Test
    void aNegativeLingerIsRefusedNamingIt() {
        assertThatThrownBy(() -> AeronTransportOptions.builder().publicationLinger(Duration.ofMillis(-1)))
            .isInstanceOf(InvalidOptionsException.class)
            .hasMessage("publicationLinger PT-0.001S is invalid: expected a duration from 0 to 1 day");
        assertThat(AeronTransportOptions.builder().publicationLinger(Duration.ZERO).build().publicationLinger())
            .isZero();
    }

    @Test
    void anExternalDriverNeedsNoEmbeddedOne() {
        final AeronTransportOptions options = AeronTransportOptions.builder()
            .externalDriver(Path.of("/dev/shm/aeron-test"))
            .build();

        assertThat(options.embeddedDriver()).isFalse();
        assertThat(options.driverDirectory()).contains(Path.of("/dev/shm/aeron-test"));
    }

    @Test
    void anEmptyDriverDirectoryIsRefused() {
        assertThatThrownBy(() -> AeronTransportOptions.builder().driverDirectory(Path.of("")))
            .isInstanceOf(InvalidOptionsException.class)
            .hasMessageStartingWith("driverDirectory '' is invalid");
    }

    @Test
    void toBuilderKeepsEverySetting() {
        final AeronTransportOptions options = AeronTransportOptions.builder()
            .termLength(256 * 1024).mtu(8192).idleStrategy(AeronIdleStrategy.SLEEP)
            .publicationLinger(Duration.ofMillis(200)).streamId(7).driverDirectory(Path.of("/tmp/x"))
            .livenessTimeout(Duration.ofSeconds(20))
            .build();

        assertThat(options.toBuilder().build()).isEqualTo(options).hasSameHashCodeAs(options);
        assertThat(options.toBuilder().streamId(8).build()).isNotEqualTo(options);
    }
}
