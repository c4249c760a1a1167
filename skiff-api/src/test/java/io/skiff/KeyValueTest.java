package io.skiff;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class KeyValueTest {
    @Test
    void entriesWithTheSameBytesAreEqual() {
        final KeyValue a = new KeyValue(new byte[] {1, 2}, new byte[] {3});
        final KeyValue b = new KeyValue(new byte[] {1, 2}, new byte[] {3});

        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a).isNotEqualTo(new KeyValue(new byte[] {1, 2}, new byte[] {4}))
            .isNotEqualTo(new KeyValue(new byte[] {1}, new byte[] {3}))
            .isNotEqualTo(new KeyValue(new byte[] {1, 2}, null));
    }

    @Test
    void keysOnlyAndValuesOnlyEntriesHaveNullHalves() {
        final KeyValue keyOnly = new KeyValue("k".getBytes(StandardCharsets.UTF_8), null);
        final KeyValue valueOnly = new KeyValue(null, "v".getBytes(StandardCharsets.UTF_8));

        assertThat(keyOnly.keyString()).isEqualTo("k");
        assertThat(keyOnly.valueString()).isNull();
        assertThat(valueOnly.keyString()).isNull();
        assertThat(valueOnly.valueString()).isEqualTo("v");
        assertThat(keyOnly).isEqualTo(new KeyValue("k".getBytes(StandardCharsets.UTF_8), null)).isNotEqualTo(valueOnly);
        assertThat(keyOnly).hasToString("KeyValue[k=null]");
    }

    @Test
    void stringsAreDecodedAsUtf8() {
        final KeyValue entry = new KeyValue(new byte[] {'c', 'l', (byte)0xC3, (byte)0xA9}, new byte[] {'v'});

        assertThat(entry.keyString()).isEqualTo("clé");
        assertThat(entry).hasToString("KeyValue[clé=v]");
    }
}
