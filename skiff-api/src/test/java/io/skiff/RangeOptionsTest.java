package io.skiff;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RangeOptionsTest {
    @Test
    void allSelectsEveryKeyAscendingWithKeysAndValuesLinearizably() {
        final RangeOptions all = RangeOptions.all();

        assertThat(all.lower()).isNull();
        assertThat(all.upper()).isNull();
        assertThat(all.reverse()).isFalse();
        assertThat(all.limit()).isEqualTo(-1);
        assertThat(all.keys()).isTrue();
        assertThat(all.values()).isTrue();
        assertThat(all.consistency()).isEqualTo(ReadConsistency.LINEARIZABLE);
        assertThat(all.contains(new byte[] {0})).isTrue();
        assertThat(all.contains(new byte[] {(byte)0xFF, (byte)0xFF})).isTrue();
    }

    @Test
    void everyChangeReturnsNewOptionsAndLeavesTheOriginal() {
        final RangeOptions all = RangeOptions.all();

        final RangeOptions changed = all.gt("a").lt("z").reverse(true).limit(3).keys(false).values(false)
            .consistency(ReadConsistency.LOCAL);

        assertThat(all.lower()).isNull();
        assertThat(all.upper()).isNull();
        assertThat(all.reverse()).isFalse();
        assertThat(all.limit()).isEqualTo(-1);
        assertThat(all.keys()).isTrue();
        assertThat(all.values()).isTrue();
        assertThat(all.consistency()).isEqualTo(ReadConsistency.LINEARIZABLE);
        assertThat(changed.lower()).isEqualTo(bytes("a"));
        assertThat(changed.lowerInclusive()).isFalse();
        assertThat(changed.upper()).isEqualTo(bytes("z"));
        assertThat(changed.upperInclusive()).isFalse();
        assertThat(changed.reverse()).isTrue();
        assertThat(changed.limit()).isEqualTo(3);
        assertThat(changed.keys()).isFalse();
        assertThat(changed.values()).isFalse();
        assertThat(changed.consistency()).isEqualTo(ReadConsistency.LOCAL);
    }

    @Test
    void gtAndGteExcludeAndIncludeTheLowerBound() {
        assertThat(RangeOptions.all().gt("b").contains(bytes("b"))).isFalse();
        assertThat(RangeOptions.all().gt("b").contains(bytes("ba"))).isTrue();
        assertThat(RangeOptions.all().gte("b").contains(bytes("b"))).isTrue();
        assertThat(RangeOptions.all().gte("b").contains(bytes("a"))).isFalse();
        assertThat(RangeOptions.all().gte("b").lowerInclusive()).isTrue();
    }

    @Test
    void ltAndLteExcludeAndIncludeTheUpperBound() {
        assertThat(RangeOptions.all().lt("b").contains(bytes("b"))).isFalse();
        assertThat(RangeOptions.all().lt("b").contains(bytes("a"))).isTrue();
        assertThat(RangeOptions.all().lte("b").contains(bytes("b"))).isTrue();
        assertThat(RangeOptions.all().lte("b").contains(bytes("ba"))).isFalse();
        assertThat(RangeOptions.all().lte("b").upperInclusive()).isTrue();
    }

    @Test
    void laterBoundReplacesTheEarlierOneOnTheSameSide() {
        final RangeOptions options = RangeOptions.all().gt("a").gte("c").lte("x").lt("m");

        assertThat(options.lower()).isEqualTo(bytes("c"));
        assertThat(options.lowerInclusive()).isTrue();
        assertThat(options.upper()).isEqualTo(bytes("m"));
        assertThat(options.upperInclusive()).isFalse();
    }

    @Test
    void keysCompareAsUnsignedBytes() {
        final RangeOptions belowHighByte = RangeOptions.all().lt(new byte[] {(byte)0x80});

        assertThat(belowHighByte.contains(new byte[] {0x7F})).isTrue();
        assertThat(belowHighByte.contains(new byte[] {(byte)0xFF})).as("0xFF is above 0x80, not negative").isFalse();
        assertThat(RangeOptions.all().gt(new byte[] {1}).contains(new byte[] {1, 0})).as("a longer key is greater")
            .isTrue();
    }

    @Test
    void boundsAreCopiedInAndOut() {
        final byte[] bound = bytes("k");
        final RangeOptions options = RangeOptions.all().gte(bound);

        bound[0] = 'z';
        options.lower()[0] = 'z';

        assertThat(options.lower()).isEqualTo(bytes("k"));
    }

    @Test
    void limitBelowMinusOneIsRejectedNamingTheValue() {
        assertThatThrownBy(() -> RangeOptions.all().limit(-2)).isInstanceOf(IllegalArgumentException.class)
            .hasMessage("limit must be -1 (no limit) or at least 0, got -2");
        assertThat(RangeOptions.all().limit(0).limit()).isZero();
    }

    @Test
    void consistencyMustBeGiven() {
        assertThatThrownBy(() -> RangeOptions.all().consistency(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void toStringShowsTheBoundsAndShape() {
        assertThat(RangeOptions.all().gte(new byte[] {1}).lt(new byte[] {2}).limit(5))
            .hasToString("RangeOptions{gte=[1], lt=[2], reverse=false, limit=5, keys=true, values=true, "
                + "consistency=LINEARIZABLE}");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
