package io.skiff.storage.xodus;

import io.skiff.InvalidOptionsException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class XodusStorageOptionsTest {
    @Test
    void defaultsAreFsyncXodusFileSizeAndTheSharedCache() {
        final XodusStorageOptions options = XodusStorageOptions.defaults();
        assertThat(options.durability()).isEqualTo(Durability.FSYNC);
        assertThat(options.fileSizeBytes()).isEqualTo(8L * 1024 * 1024);
        assertThat(options.cacheBytes()).isZero();
    }

    @Test
    void theBuilderKeepsWhatItIsGiven() {
        final XodusStorageOptions options = XodusStorageOptions.builder().durability(Durability.NO_SYNC)
            .fileSizeBytes(1024 * 1024).cacheBytes(16 * 1024 * 1024).build();
        assertThat(options.durability()).isEqualTo(Durability.NO_SYNC);
        assertThat(options.fileSizeBytes()).isEqualTo(1024 * 1024);
        assertThat(options.cacheBytes()).isEqualTo(16 * 1024 * 1024);
    }

    @Test
    void aFileSizeThatIsNotAPositiveMultipleOfThePageSizeIsRefused() {
        for (long bad : new long[] {0, -65536, 100_000, 2L * 1024 * 1024 * 1024}) {
            assertThatThrownBy(() -> XodusStorageOptions.builder().fileSizeBytes(bad).build())
                .isInstanceOf(InvalidOptionsException.class)
                .hasMessageContaining("xodus fileSizeBytes must be a positive multiple of 65536")
                .hasMessageContaining("got " + bad);
        }
    }

    @Test
    void aTinyCacheIsRefused() {
        assertThatThrownBy(() -> XodusStorageOptions.builder().cacheBytes(4096).build())
            .isInstanceOf(InvalidOptionsException.class)
            .hasMessageContaining("xodus cacheBytes must be 0 (the JVM-wide Xodus cache) or at least 1048576, got "
                + "4096");
    }

    @Test
    void durabilityIsRequired() {
        assertThatThrownBy(() -> XodusStorageOptions.builder().durability(null))
            .isInstanceOf(NullPointerException.class).hasMessageContaining("durability");
    }
}
