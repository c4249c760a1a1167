package io.skiff.core.runtime;

import io.skiff.NodeAddress;
import io.skiff.SkiffEvent;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.ResourceBundle;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

class ListenersTest {
    private static final SkiffEvent.Started STARTED = new SkiffEvent.Started(NodeAddress.parse("/mem/a"));

    @Test
    void aFailingListenerIsReportedThroughTheSystemLoggerAndTheOthersStillRun() {
        final RecordingLogger logger = new RecordingLogger();
        final Listeners listeners = new Listeners(logger);
        final IllegalStateException failure = new IllegalStateException("a listener that always fails");
        final List<SkiffEvent> delivered = new ArrayList<>();
        listeners.add(SkiffEvent.Started.class, event -> {
            throw failure;
        });
        listeners.add(SkiffEvent.class, delivered::add);

        listeners.deliver(STARTED);

        assertThat(delivered).containsExactly(STARTED);
        assertThat(logger.records).singleElement().satisfies(record -> {
            assertThat(record.level).isEqualTo(System.Logger.Level.WARNING);
            assertThat(record.message).contains("Started").contains(STARTED.toString());
            assertThat(record.thrown).isSameAs(failure);
        });
    }

    private record LogRecord(System.Logger.Level level, String message, Throwable thrown) {
    }

    private static final class RecordingLogger implements System.Logger {
        final List<LogRecord> records = new ArrayList<>();

        @Override
        public String getName() {
            return "recording";
        }

        @Override
        public boolean isLoggable(Level level) {
            return true;
        }

        @Override
        public void log(Level level, Supplier<String> message, Throwable thrown) {
            records.add(new LogRecord(level, message.get(), thrown));
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String message, Throwable thrown) {
            records.add(new LogRecord(level, message, thrown));
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            records.add(new LogRecord(level, format, null));
        }
    }
}
