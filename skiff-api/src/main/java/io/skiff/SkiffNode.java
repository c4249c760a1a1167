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
     * Adds a member through consensus (joint consensus, thesis §4.3): it first catches up as a learner, then
     * becomes a voter. Joining a voter is a no-op. One change runs at a time: a change requested while another is in
     * progress fails at once ({@link SkiffException} "in progress") rather than waiting.
     *
     * <p>Start the new node with the current members as its peers before calling this.
     *
     * @param address the new member.
     * @return completes once the final configuration is committed; fails when no consensus is reached within
     * {@link SkiffOptions#membershipTimeout()}.
     */
    CompletableFuture<Void> join(String address);

    /**
     * Removes a member through consensus (joint consensus for a voter). Leaving a non-member is a no-op. A leader
     * that removes itself keeps leading until the new configuration commits, then steps down. A removed node stops
     * campaigning once it knows the change committed (until then it may be needed to commit it, thesis §4.2.2) and
     * is disconnected after {@link SkiffOptions#waitBeforeLeave()}.
     *
     * @param address the member to remove.
     * @return completes once the final configuration is committed.
     */
    CompletableFuture<Void> leave(String address);

    /**
     * Moves leadership to another voter: the leader stops taking new commands, brings the target up to date and
     * tells it to campaign at once (thesis §3.10). Commands issued meanwhile wait and go to the new leader.
     *
     * @param address the voter that should lead.
     * @return completes once the target leads; fails when it does not take over within the election timeout
     * (the current leader then keeps leading).
     */
    CompletableFuture<Void> transferLeadership(String address);

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
