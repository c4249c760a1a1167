package io.skiff.core.kv;

import io.skiff.LevelDown;
import io.skiff.LevelUp;
import io.skiff.NodeAddress;
import io.skiff.NodeState;
import io.skiff.NodeStats;
import io.skiff.PeerInfo;
import io.skiff.ReadConsistency;
import io.skiff.Registration;
import io.skiff.SkiffEvent;
import io.skiff.SkiffNode;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A test double of a node: commands are applied at once to a {@link KvStateMachine} at increasing indices, queries
 * are answered from it, at once or, once {@link #deferQueries()} is called, when the test releases them; commands and
 * queries can also be made to answer or fail as a test needs. Only what the kv facades use is implemented.
 */
final class FakeSkiffNode implements SkiffNode {
    final KvStateMachine machine = new KvStateMachine();
    final List<byte[]> commands = new ArrayList<>();
    final List<byte[]> queries = new ArrayList<>();
    final List<ReadConsistency> consistencies = new ArrayList<>();
    private final ArrayDeque<Runnable> deferred = new ArrayDeque<>();
    private long index;
    private boolean defer;
    private RuntimeException queryFailure;
    private byte[] commandAnswer;

    @Override
    public synchronized CompletableFuture<byte[]> command(byte[] command) {
        commands.add(command.clone());
        if (null != commandAnswer) {
            return CompletableFuture.completedFuture(commandAnswer.clone());
        }
        return CompletableFuture.completedFuture(machine.apply(++index, ByteBuffer.wrap(command.clone())));
    }

    @Override
    public synchronized CompletableFuture<byte[]> query(byte[] query, ReadConsistency consistency) {
        queries.add(query.clone());
        consistencies.add(consistency);
        if (null != queryFailure) {
            return CompletableFuture.failedFuture(queryFailure);
        }
        final byte[] copy = query.clone();
        if (!defer) {
            return CompletableFuture.completedFuture(machine.query(ByteBuffer.wrap(copy)));
        }
        final CompletableFuture<byte[]> answer = new CompletableFuture<>();
        deferred.add(() -> answer.complete(machine.query(ByteBuffer.wrap(copy))));
        return answer;
    }

    /** From now on queries complete only when {@link #releaseQueries()} is called. */
    synchronized void deferQueries() {
        defer = true;
    }

    /** Answers every deferred query, in order. */
    void releaseQueries() {
        while (true) {
            final Runnable next;
            synchronized (this) {
                next = deferred.poll();
            }
            if (null == next) {
                return;
            }
            next.run();
        }
    }

    /**
     * @param failure what later queries fail with; {@code null} to answer them again.
     */
    synchronized void failQueries(RuntimeException failure) {
        queryFailure = failure;
    }

    /**
     * @param answer what later commands answer instead of being applied; {@code null} to apply them again.
     */
    synchronized void answerCommandsWith(byte[] answer) {
        commandAnswer = answer;
    }

    @Override
    public NodeAddress address() {
        throw unused();
    }

    @Override
    public CompletableFuture<Void> start() {
        throw unused();
    }

    @Override
    public CompletableFuture<Void> stop() {
        throw unused();
    }

    @Override
    public void close() {
        throw unused();
    }

    @Override
    public LevelUp levelup() {
        throw unused();
    }

    @Override
    public LevelDown leveldown() {
        throw unused();
    }

    @Override
    public CompletableFuture<Void> join(String address) {
        throw unused();
    }

    @Override
    public CompletableFuture<Void> leave(String address) {
        throw unused();
    }

    @Override
    public CompletableFuture<Void> transferLeadership(String address) {
        throw unused();
    }

    @Override
    public NodeStats stats() {
        throw unused();
    }

    @Override
    public CompletableFuture<List<PeerInfo>> peers() {
        throw unused();
    }

    @Override
    public long term() {
        throw unused();
    }

    @Override
    public NodeState state() {
        throw unused();
    }

    @Override
    public Optional<NodeAddress> leader() {
        throw unused();
    }

    @Override
    public void weaken(Duration duration) {
        throw unused();
    }

    @Override
    public CompletableFuture<Void> readConsensus() {
        throw unused();
    }

    @Override
    public <E extends SkiffEvent> Registration on(Class<E> type, Consumer<? super E> listener) {
        throw unused();
    }

    private static UnsupportedOperationException unused() {
        return new UnsupportedOperationException("not used by the kv facades");
    }
}
