package io.skiff.testkit;

import io.skiff.KeyValue;
import io.skiff.LevelUp;
import io.skiff.RangeOptions;
import io.skiff.Skiff;
import io.skiff.SkiffNode;
import io.skiff.SkiffOptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's Java example, verbatim between the markers, runs and does what the README says. */
class ReadmeExampleTest {
    @Test
    void theReadmeExampleRuns() {
        // readme-example:start
        InMemoryNetwork network = new InMemoryNetwork();          // the original's Skiff.createNetwork()
        List<String> addresses = List.of("/mem/a", "/mem/b", "/mem/c");
        List<SkiffNode> nodes = new ArrayList<>();
        for (String address : addresses) {
            SkiffOptions options = SkiffOptions.builder()
                .network(network)
                .peers(addresses.stream().filter(peer -> !peer.equals(address)).toArray(String[]::new))
                .build();
            nodes.add(Skiff.node(address, options));
        }
        CompletableFuture.allOf(nodes.stream().map(SkiffNode::start).toArray(CompletableFuture[]::new)).join();

        LevelUp db = nodes.get(0).levelup();        // any node: followers forward writes, confirm reads with the leader
        db.put("key", "value").join();              // waits for an election if there is no leader yet
        String value = db.get("key").join().orElseThrow();
        db.batch().put("a", "1").put("b", "2").del("key").write().join();
        List<KeyValue> firstTwo = db.range(RangeOptions.all().gte("a").limit(2)).join();

        nodes.forEach(SkiffNode::close);
        // readme-example:end
        assertThat(value).isEqualTo("value");
        assertThat(firstTwo).extracting(KeyValue::keyString).containsExactly("a", "b");
    }

    @Test
    void theReadmeShowsExactlyThisExample() throws IOException {
        final String readme = Files.readString(Path.of("..", "README.md"));
        final String fromReadme = between(readme, "<!-- readme-example:start -->\n```java\n",
            "```\n<!-- readme-example:end");
        final String test = Files.readString(Path.of("src/test/java/io/skiff/testkit/ReadmeExampleTest.java"));
        final String fromTest = between(test, "// readme-example:start\n", "        // readme-example:end");
        assertThat(normalise(fromTest)).isEqualTo(normalise(fromReadme));
    }

    private static String between(String text, String start, String end) {
        final int from = text.indexOf(start);
        final int to = text.indexOf(end, from);
        assertThat(from).as("marker %s", start).isNotNegative();
        assertThat(to).as("marker %s", end).isGreaterThan(from);
        return text.substring(from + start.length(), to);
    }

    private static String normalise(String code) {
        return code.lines().map(String::strip).filter(line -> !line.isEmpty()).reduce("", (a, b) -> a + b + "\n");
    }
}
