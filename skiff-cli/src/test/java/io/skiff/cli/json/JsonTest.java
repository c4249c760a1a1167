package io.skiff.cli.json;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The bounds and mapping that {@link Json} configures on Jackson; Jackson's own parsing is Jackson's to test. */
class JsonTest {
    @Test
    void parsesEveryKindOfValue() {
        final Object value = Json.parse(" {\"s\": \"a\\\"b\\\\c\\/\\n\\u00e9\\ud83d\\ude00\", \"i\": -42, \"big\": "
            + "1234567890123456789, \"d\": 1.5e3, \"t\": true, \"f\": false, \"n\": null, \"a\": [1, [], {}]}\n");

        assertThat(value).isEqualTo(mapOf("s", "a\"b\\c/\né\uD83D\uDE00", "i", -42L, "big",
            1234567890123456789L, "d", new BigDecimal("1.5e3"), "t", true, "f", false, "n", null,
            "a", List.of(1L, List.of(), Map.of())));
    }

    @Test
    void aNumberBeyondTheRangeOfDoubleStaysANumber() {
        assertThat(Json.parse("[1e999]")).isEqualTo(List.of(new BigDecimal("1e999")));
        assertThat(Json.write(Json.parse("[1e999]"))).isEqualTo("[1E+999]");
    }

    @Test
    void writesCompactlyAndReadsBackWhatItWrote() {
        final Map<String, Object> value = mapOf("text", "line\n\"quoted\"\t\u0001\u2028", "count", 3L, "none", null,
            "list", List.of(true, new BigDecimal("2.5"), "x"), "empty", Map.of());

        final String json = Json.write(value);

        assertThat(json).doesNotContain("\n").contains("\\u0001");
        assertThat(Json.parse(json)).isEqualTo(value);
    }

    @Test
    void writesIndentedForPeople() {
        final String pretty = Json.writePretty(mapOf("a", List.of(1L), "b", Map.of()));

        assertThat(pretty.lines()).hasSizeGreaterThan(2);
        assertThat(Json.parse(pretty)).isEqualTo(mapOf("a", List.of(1L), "b", Map.of()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{", "[1,]", "{\"a\":1,}", "{'a':1}", "{\"a\" 1}", "01", "1.", "-", ".5", "1e",
        "tru", "nul", "\"unterminated", "\"bad \\x escape\"", "\"\\u12\"", "[1] 2", "{\"a\":1,\"a\":2}",
        "\"raw\ttab\"", "// comment\n1", "NaN", "[1 2]"})
    void refusesMalformedTextNamingTheOffset(String text) {
        assertThatThrownBy(() -> Json.parse(text))
            .isInstanceOf(JsonException.class)
            .hasMessageStartingWith("malformed JSON at offset ");
    }

    @Test
    void aDuplicateKeyIsNamed() {
        assertThatThrownBy(() -> Json.parse("{\"k\": 1, \"k\": 2}")).hasMessageContaining("Duplicate field 'k'");
    }

    @Test
    void nestingDeeperThanTheLimitIsRefusedWithoutExhaustingTheStack() {
        final String deep = "[".repeat(100_000) + "]".repeat(100_000);
        final String fine = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
        final String justTooDeep = "[".repeat(Json.MAX_DEPTH + 1) + "]".repeat(Json.MAX_DEPTH + 1);

        assertThatThrownBy(() -> Json.parse(deep)).isInstanceOf(JsonException.class)
            .hasMessageContaining("nesting depth");
        assertThatThrownBy(() -> Json.parse(justTooDeep)).isInstanceOf(JsonException.class)
            .hasMessageContaining("(" + Json.MAX_DEPTH);
        assertThat(Json.parse(fine)).isInstanceOf(List.class);
    }

    @Test
    void numbersLongerThanTheLimitAreRefusedBeforeTheyAreConverted() {
        final String fine = "1".repeat(Json.MAX_NUMBER_LENGTH);

        assertThatThrownBy(() -> Json.parse("[" + "9".repeat(100_000) + "]")).isInstanceOf(JsonException.class)
            .hasMessageContaining("Number value length (100000) exceeds the maximum allowed (" + Json.MAX_NUMBER_LENGTH
                + ",");
        assertThatThrownBy(() -> Json.parse("[0." + "1".repeat(100_000) + "]")).isInstanceOf(JsonException.class);
        assertThat(Json.parse("[0." + fine + "]")).isEqualTo(List.of(new BigDecimal("0." + fine)));
    }

    @Test
    void anIntegerBeyondLongIsRefused() {
        assertThatThrownBy(() -> Json.parse("[12345678901234567890]")).isInstanceOf(JsonException.class)
            .hasMessageContaining("out of range of long");
    }

    @Test
    void writingAnUnsupportedTypeFails() {
        assertThatThrownBy(() -> Json.write(new Object())).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("cannot write java.lang.Object");
    }

    private static Map<String, Object> mapOf(Object... keysAndValues) {
        final Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String)keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
