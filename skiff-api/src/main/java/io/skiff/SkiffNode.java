package io.skiff;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One member of a Skiff cluster, created by {@link Skiff#node(String, SkiffOptions)}.
 *
 * <p>Every method is thread-safe and returns without blocking; futures complete on the node's event thread, never
 * on its Raft loop, so dependent actions cannot stall replication. {@link #close()} is the only blocking call.
 */
public interface SkiffNode extends AutoCloseable {
    /** @return this node's address, its identity in the cluster. */
    NodeAddress address();

    /**
     * Loads persisted state, brings up the network and becomes a follower.
     *
     * @return completes once started, or exceptionally with the cause (e.g. a {@link StorageException}).
     */
    CompletableFuture<Void> start();

    /**
     * Stops all activity: pending operations fail with {@link NodeStoppedException}, peers are disconnected and
     * storage is closed. Idempotent.
     *
     * @return completes once stopped.
     */
    CompletableFuture<Void> stop();

    /** Stops the node and waits for it, as {@code stop().join()}. */
    @Override
    void close();

    /** @return the high-level replicated key-value database (requires the {@code kv} state machine). */
    LevelUp levelup();

    /** @return the low-level store interface of the same database (requires the {@code kv} state machine). */
    LevelDown leveldown();

    /**
     * Submits a command to a custom {@link io.skiff.spi.StateMachine}. The command is applied once, even when
     * this node retries it.
     *
     * @param command the command bytes.
     * @return the state machine's result once the command is applied on this node.
     */
    CompletableFuture<byte[]> command(byte[] command);

    /**
     * Runs a read-only query against the state machine.
     *
     * @param query       the query bytes.
     * @param consistency linearizable, or local.
     * @return the state machine's answer.
     */
    CompletableFuture<byte[]> query(byte[] query, ReadConsistency consistency);

    /**
     * Adds a member through consensus. Joining a member is a no-op.
     *
     * @param address the new member.
     * @return completes once the new configuration is committed.
     */
    CompletableFuture<Void> join(String address);

    /**
     * Removes a member through consensus. Leaving a non-member is a no-op.
     *
     * @param address the member to remove.
     * @return completes once the new configuration is committed.
     */
    CompletableFuture<Void> leave(String address);

    /** @return this node's counters and log positions. */
    NodeStats stats();

    /** @return the members as the leader sees them, with replication progress; a follower asks the leader. */
    CompletableFuture<List<PeerInfo>> peers();

    /** @return this node's current term. */
    long term();

    /** @return this node's current role. */
    NodeState state();

    /** @return the leader this node knows of. */
    Optional<NodeAddress> leader();

    /**
     * Makes this node ignore election timeouts until it hears from a leader or the duration ends; a leader steps
     * down first. Weaken every node but one to steer which node is elected.
     *
     * @param duration how long to stay weakened.
     */
    void weaken(Duration duration);

    /**
     * Confirms with a majority that the leader is still the leader (a ReadIndex round), then waits until this node
     * has applied everything committed before the call; reads after it see every write acknowledged before it.
     *
     * @return completes once confirmed.
     */
    CompletableFuture<Void> readConsensus();

    /**
     * Registers a listener for one type of event, or for all with {@code SkiffEvent.class}.
     *
     * @param type     the event type.
     * @param listener the listener, called on the node's event thread.
     * @param <E>      the event type.
     * @return the registration; close it to remove the listener.
     */
    <E extends SkiffEvent> Registration on(Class<E> type, Consumer<? super E> listener);
}
