package io.skiff.cli.json;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonTest {
    @Test
    void parsesEveryKindOfValue() {
        final Object value = Json.parse(" {\"s\": \"a\\\"b\\\\c\\/\\n\\u00e9\\ud83d\\ude00\", \"i\": -42, \"big\": "
            + "12345678901234567890, \"d\": 1.5e3, \"t\": true, \"f\": false, \"n\": null, \"a\": [1, [], {}]}\n");

        assertThat(value).isEqualTo(mapOf("s", "a\"b\\c/\né\uD83D\uDE00", "i", -42L, "big", 1.2345678901234567e19,
            "d", 1500.0, "t", true, "f", false, "n", null, "a", List.of(1L, List.of(), Map.of())));
    }

    @Test
    void writesCompactlyAndReadsBackWhatItWrote() {
        final Map<String, Object> value = mapOf("text", "line\n\"quoted\"\t\u0001\u2028", "count", 3L, "none", null,
            "list", List.of(true, 2.5, "x"), "empty", Map.of());

        final String json = Json.write(value);

        assertThat(json).doesNotContain("\n").contains("\\u0001").contains("\\u2028");
        assertThat(Json.parse(json)).isEqualTo(value);
    }

    @Test
    void writesIndentedForPeople() {
        assertThat(Json.writePretty(mapOf("a", List.of(1L), "b", Map.of())))
            .isEqualTo("{\n  \"a\": [\n    1\n  ],\n  \"b\": {}\n}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{", "[1,]", "{\"a\":1,}", "{'a':1}", "{\"a\" 1}", "01", "1.", "-", ".5", "1e",
        "tru", "nul", "\"unterminated", "\"bad \\x escape\"", "\"\\u12\"", "[1] 2", "{\"a\":1,\"a\":2}",
        "\"raw\ttab\"", "\"lone \\udc00 low\"", "\"lone \\ud800 high\"", "// comment\n1", "NaN", "[1 2]"})
    void refusesMalformedTextNamingTheOffset(String text) {
        assertThatThrownBy(() -> Json.parse(text))
            .isInstanceOf(JsonException.class)
            .hasMessageStartingWith("malformed JSON at offset ")
            .hasMessageContaining("expected");
    }

    @Test
    void aDuplicateKeyIsNamed() {
        assertThatThrownBy(() -> Json.parse("{\"k\": 1, \"k\": 2}")).hasMessageContaining("duplicate \"k\"");
    }

    @Test
    void nestingDeeperThanTheLimitIsRefusedWithoutExhaustingTheStack() {
        final String deep = "[".repeat(100_000) + "]".repeat(100_000);
        final String fine = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);

        assertThatThrownBy(() -> Json.parse(deep)).hasMessageContaining("at most " + Json.MAX_DEPTH + " nested");
        assertThat(Json.parse(fine)).isInstanceOf(List.class);
    }

    @Test
    void writingAnUnsupportedTypeOrANonFiniteNumberFails() {
        assertThatThrownBy(() -> Json.write(new Object())).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("cannot write a java.lang.Object");
        assertThatThrownBy(() -> Json.write(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }

    private static Map<String, Object> mapOf(Object... keysAndValues) {
        final Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String)keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    @Test
    @SuppressWarnings("unchecked")
    void parsedCollectionsCannotBeChanged() {
        final Map<String, Object> parsed = (Map<String, Object>)Json.parse("{\"a\": [1]}");

        assertThatThrownBy(() -> parsed.put("b", 2L)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> ((List<Object>)parsed.get("a")).add(2L))
            .isInstanceOf(UnsupportedOperationException.class);
    }
}
