package io.skiff.testkit;

import io.skiff.NoProviderException;
import io.skiff.Skiff;
import io.skiff.SkiffNode;
import io.skiff.SkiffOptions;
import io.skiff.spi.Storage;
import io.skiff.spi.StorageContext;
import io.skiff.spi.StorageProvider;
import org.junit.jupiter.api.Test;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 13, defect 4: a node that cannot start for want of a transport opened its storage first, leaving a data
 * directory behind (a durable storage creates it on open). Every provider is now found before anything is opened.
 */
class StartFailureTest {
    @Test
    void aNodeWithoutATransportForItsProtocolFailsWithoutOpeningItsStorage() {
        final AtomicInteger opened = new AtomicInteger();
        final StorageProvider recording = new StorageProvider() {
            @Override
            public String name() {
                return "recording";
            }

            @Override
            public Storage open(StorageContext context) {
                opened.incrementAndGet();
                throw new IllegalStateException("storage opened for " + context.address());
            }
        };
        final SkiffNode node = Skiff.node("/ip4/127.0.0.1/tcp/9490", SkiffOptions.builder().storage(recording).build());
        try {
            assertThatThrownBy(() -> node.start().get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(NoProviderException.class).hasMessageContaining("tcp");
            assertThat(opened).hasValue(0);
        } finally {
            node.close();
        }
    }
}
