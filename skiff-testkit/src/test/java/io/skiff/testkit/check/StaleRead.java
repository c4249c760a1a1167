package io.skiff.testkit.check;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Breaks a generated history with one stale read: a get that returns the value of a write W1 although another
 * write W2 of that key completed after W1 completed and before the get was invoked. Since every written value is
 * unique, W1 < W2 < get in real time and nothing rewrites W1's value, no linearization can explain it.
 */
final class StaleRead {
    final int readIndex;
    final String key;
    final String staleValue;

    private StaleRead(int readIndex, String key, String staleValue) {
        this.readIndex = readIndex;
        this.key = key;
        this.staleValue = staleValue;
    }

    /** @return a stale read to inject, or {@code null} if the script has no read that can be made stale. */
    static StaleRead find(Script script, Random random) {
        final List<Integer> reads = new ArrayList<>();
        for (int i = 0; i < script.size(); i++) {
            if (Operation.Kind.GET == script.operation(i).kind() && isOk(script, i)) {
                reads.add(i);
            }
        }
        Collections.shuffle(reads, random);
        for (final int read : reads) {
            final StaleRead stale = staleValueFor(script, read);
            if (null != stale) {
                return stale;
            }
        }
        return null;
    }

    History inject(Script script) {
        return script.replay(index -> index == readIndex ? Outcome.ok(staleValue) : null);
    }

    private static StaleRead staleValueFor(Script script, int read) {
        final String key = script.operation(read).key();
        int oldest = -1;
        String oldestValue = null;
        for (int i = 0; i < script.size(); i++) {
            final String written = definitelyWritten(script, i, key);
            if (null != written && (oldest < 0 || script.completeNs(i) < script.completeNs(oldest))) {
                oldest = i;
                oldestValue = written;
            }
        }
        if (oldest < 0) {
            return null;
        }
        for (int i = 0; i < script.size(); i++) {
            if (i != oldest && writesKey(script, i, key) && script.completeNs(oldest) < script.invokeNs(i)
                && script.completeNs(i) < script.invokeNs(read)) {
                return new StaleRead(read, key, oldestValue);
            }
        }
        return null;
    }

    /** @return the non-null value a completed operation wrote to {@code key}, or {@code null}. */
    private static String definitelyWritten(Script script, int i, String key) {
        if (!isOk(script, i)) {
            return null;
        }
        final Operation op = script.operation(i);
        switch (op.kind()) {
            case PUT:
                return op.key().equals(key) ? op.value() : null;
            case CAS:
                return op.key().equals(key) && script.outcome(i).applied() ? op.value() : null;
            case BATCH:
                String value = null;
                for (final Operation write : op.writes()) {
                    if (write.key().equals(key)) {
                        value = write.value();
                    }
                }
                return value;
            default:
                return null;
        }
    }

    /** @return whether a completed operation certainly wrote {@code key} (any value, absent included). */
    private static boolean writesKey(Script script, int i, String key) {
        if (!isOk(script, i)) {
            return false;
        }
        final Operation op = script.operation(i);
        switch (op.kind()) {
            case PUT:
            case DEL:
                return op.key().equals(key);
            case CAS:
                return op.key().equals(key) && script.outcome(i).applied();
            case BATCH:
                return op.writes().stream().anyMatch(write -> write.key().equals(key));
            default:
                return false;
        }
    }

    private static boolean isOk(Script script, int i) {
        return null != script.outcome(i) && Outcome.Status.OK == script.outcome(i).status();
    }
}
