package io.skiff.storage.xodus;

import io.skiff.NodeAddress;
import io.skiff.SkiffOptions;
import io.skiff.spi.Providers;
import io.skiff.spi.Storage;
import io.skiff.spi.StorageContext;
import io.skiff.spi.StorageProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class XodusStorageProviderTest {
    @TempDir
    Path base;

    @Test
    void theProviderIsFoundByName() {
        final StorageProvider provider = Providers.storage("xodus");
        assertThat(provider).isInstanceOf(XodusStorageProvider.class);
        assertThat(provider.name()).isEqualTo(XodusStorageProvider.NAME).isEqualTo("xodus");
    }

    @Test
    void openCreatesTheNodeDirectoryAndKeepsDataAcrossOpens() {
        final Path directory = base.resolve("data").resolve("node-1");
        final SkiffOptions options = SkiffOptions.builder().storage("xodus")
            .providerOptions(XodusStorageOptions.builder().durability(Durability.NO_SYNC).build()).build();
        final StorageContext context = new StorageContext(NodeAddress.parse("/mem/node-1"), options, directory);

        try (Storage storage = new XodusStorageProvider().open(context)) {
            assertThat(Files.isDirectory(directory)).isTrue();
            storage.log().append(1, 1, ByteBuffer.wrap(new byte[] {1, 2, 3}));
            storage.log().sync();
        }
        try (Storage storage = Providers.storage("xodus").open(context)) {
            assertThat(storage.log().lastIndex()).isEqualTo(1);
        }
    }
}
