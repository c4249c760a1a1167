package io.skiff.testkit;

import io.skiff.NodeAddress;
import io.skiff.core.storage.MemoryStorageProvider;
import io.skiff.spi.LogStore;
import io.skiff.spi.Storage;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static io.skiff.testkit.MemoryStorageProviderTest.bytes;
import static io.skiff.testkit.MemoryStorageProviderTest.context;
import static io.skiff.testkit.MemoryStorageProviderTest.entries;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random appends, truncations, compactions, syncs, restarts and crashes against a model that copies the whole log
 * at each sync: the memory log's undo record must bring back exactly what the model kept. A failure names the seed
 * and step that replay it.
 */
class MemoryStorageCrashModelTest {
    private static final NodeAddress NODE = NodeAddress.parse("/mem/node");
    private static final int STEPS = 400;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25,
        26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40})
    void logAfterACrashIsTheLogAtTheLastSync(long seed) {
        final SplittableRandom random = new SplittableRandom(seed);
        final MemoryStorageProvider provider = new MemoryStorageProvider();
        Storage storage = provider.open(context(NODE));
        Model model = new Model();
        Model synced = new Model();
        long term = 1;
        for (int step = 0; step < STEPS; step++) {
            String what = "choosing an operation";
            try {
                final LogStore log = storage.log();
                final int op = random.nextInt(100);
                if (op < 45) {
                    term += random.nextInt(10) == 0 ? 1 : 0;
                    final String text = "s" + seed + "-" + step;
                    what = "append(" + (model.lastIndex() + 1) + ", " + term + ")";
                    log.append(model.lastIndex() + 1, term, bytes(text));
                    model.append(term, text);
                } else if (op < 57) {
                    final long index = model.compactedIndex + random.nextLong(model.entries.size() + 1);
                    what = "truncateAfter(" + index + ")";
                    log.truncateAfter(index);
                    model.truncateAfter(index);
                } else if (op < 67) {
                    final long index = model.compactedIndex + 1 + random.nextLong(model.entries.size() + 5);
                    final long compactedTerm = index <= model.lastIndex() ? model.term(index) : term;
                    what = "compactUpTo(" + index + ", " + compactedTerm + ")";
                    log.compactUpTo(index, compactedTerm);
                    model.compactUpTo(index, compactedTerm);
                } else if (op < 85) {
                    what = "sync";
                    log.sync();
                    synced = model.copy();
                } else if (op < 94) {
                    what = "crash";
                    storage.close();
                    provider.crash(NODE);
                    storage = provider.open(context(NODE));
                    model = synced.copy();
                } else {
                    what = "restart";
                    storage.close();
                    storage = provider.open(context(NODE));
                }
                final String description = "seed " + seed + " step " + step + " after " + what;
                final LogStore after = storage.log();
                assertThat(after.firstIndex()).as(description).isEqualTo(model.compactedIndex + 1);
                assertThat(after.lastIndex()).as(description).isEqualTo(model.lastIndex());
                assertThat(after.term(model.compactedIndex)).as(description).isEqualTo(model.compactedTerm);
                assertThat(entries(after)).as(description).isEqualTo(model.entries());
            } catch (RuntimeException e) {
                throw new AssertionError("seed " + seed + " step " + step + " at " + what + ": " + e, e);
            }
        }
        storage.close();
    }

    /** The log as plain lists, copied whole at every sync. */
    private static final class Model {
        private long compactedIndex;
        private long compactedTerm;
        private final List<Long> terms = new ArrayList<>();
        private final List<String> entries = new ArrayList<>();

        long lastIndex() {
            return compactedIndex + entries.size();
        }

        long term(long index) {
            return terms.get((int)(index - compactedIndex - 1));
        }

        void append(long term, String text) {
            terms.add(term);
            entries.add(text);
        }

        void truncateAfter(long index) {
            while (lastIndex() > index) {
                terms.remove(terms.size() - 1);
                entries.remove(entries.size() - 1);
            }
        }

        void compactUpTo(long index, long term) {
            while (!entries.isEmpty() && compactedIndex < index) {
                terms.remove(0);
                entries.remove(0);
                compactedIndex++;
            }
            compactedIndex = index;
            compactedTerm = term;
        }

        List<String> entries() {
            final List<String> described = new ArrayList<>();
            for (int i = 0; i < entries.size(); i++) {
                described.add((compactedIndex + 1 + i) + "/" + terms.get(i) + ":" + entries.get(i));
            }
            return described;
        }

        Model copy() {
            final Model copy = new Model();
            copy.compactedIndex = compactedIndex;
            copy.compactedTerm = compactedTerm;
            copy.terms.addAll(terms);
            copy.entries.addAll(entries);
            return copy;
        }
    }
}
