package io.skiff;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BatchTest {
    @Test
    void operationsKeepTheOrderTheyWereAddedIn() {
        final Batch batch = Batch.create().put("a", "1").del("b").put("a", "2");

        assertThat(batch.size()).isEqualTo(3);
        assertThat(batch.operations()).extracting(op -> new String(op.key(), StandardCharsets.UTF_8))
            .containsExactly("a", "b", "a");
        assertThat(batch.operations()).extracting(Batch.Operation::isDelete).containsExactly(false, true, false);
        assertThat(batch.operations().get(2).value()).isEqualTo("2".getBytes(StandardCharsets.UTF_8));
        assertThat(batch.operations().get(1).value()).isNull();
    }

    @Test
    void stringsAreEncodedAsUtf8() {
        final Batch batch = Batch.create().put("clé", "värde");

        assertThat(batch.operations().get(0).key()).isEqualTo(new byte[] {'c', 'l', (byte)0xC3, (byte)0xA9});
        assertThat(batch.operations().get(0).value()).isEqualTo("värde".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void batchCopiesTheBytesItIsGiven() {
        final byte[] key = {1, 2};
        final byte[] value = {3, 4};
        final Batch batch = Batch.create().put(key, value).del(key);

        key[0] = 9;
        value[0] = 9;

        assertThat(batch.operations().get(0).key()).containsExactly(1, 2);
        assertThat(batch.operations().get(0).value()).containsExactly(3, 4);
        assertThat(batch.operations().get(1).key()).containsExactly(1, 2);
    }

    @Test
    void emptyBatchHasNoOperations() {
        assertThat(Batch.create().size()).isZero();
        assertThat(Batch.create().operations()).isEmpty();
    }

    @Test
    void operationsCannotBeChangedThroughTheList() {
        final Batch batch = Batch.create().put("a", "1");

        assertThatThrownBy(() -> batch.operations().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThat(batch.size()).isOne();
    }

    @Test
    void emptyOrMissingKeysAndMissingValuesAreRejected() {
        final Batch batch = Batch.create();

        assertThatThrownBy(() -> batch.put(new byte[0], new byte[] {1})).isInstanceOf(IllegalArgumentException.class)
            .hasMessage("a key must be at least one byte long");
        assertThatThrownBy(() -> batch.del(new byte[0])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> batch.del((byte[])null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> batch.put("", "v")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> batch.put(new byte[] {1}, null)).isInstanceOf(NullPointerException.class)
            .hasMessage("value");
        assertThatThrownBy(() -> batch.put((String)null, "v")).isInstanceOf(NullPointerException.class)
            .hasMessage("key");
        assertThat(batch.size()).as("operations added by the failed calls").isZero();
    }

    @Test
    void emptyValueIsAPutNotADelete() {
        final Batch batch = Batch.create().put(new byte[] {1}, new byte[0]);

        assertThat(batch.operations().get(0).isDelete()).isFalse();
        assertThat(batch.operations().get(0).value()).isEmpty();
    }
}
