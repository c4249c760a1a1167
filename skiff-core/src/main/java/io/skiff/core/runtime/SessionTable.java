package io.skiff.core.runtime;

import io.skiff.StorageException;
import org.agrona.collections.Long2ObjectHashMap;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Client sessions of the replicated state machine (thesis §6.3): for each client id, the answers to its commands
 * at or above its floor. A command whose sequence was applied before is a retry and is not applied again; its
 * recorded answer is returned instead. Every node builds the same table from the same log, so the decision is
 * the same everywhere. Sessions are evicted least recently used first when there are too many, in log order,
 * which keeps eviction deterministic.
 */
final class SessionTable {
    /** Result of {@link #lookup} for a sequence that must be applied. */
    static final byte[] NOT_APPLIED = null;
    /** Answer for a retry of a command already answered and forgotten: nobody is waiting for it. */
    static final byte[] FORGOTTEN = new byte[0];
    /** Answer recorded when the state machine threw: every node saw the same failure, and retries fail too. */
    static final byte[] FAILED = new byte[0];

    private final int maxSessions;
    private final Long2ObjectHashMap<Session> sessions = new Long2ObjectHashMap<>();
    /** Most recently used session; the list runs through {@code older} to the least recently used. */
    private Session newest;
    private Session oldest;

    SessionTable(int maxSessions) {
        this.maxSessions = maxSessions;
    }

    /**
     * Finds whether a command was applied, after moving the client's floor.
     *
     * @return the recorded answer, {@link #FORGOTTEN}, or {@link #NOT_APPLIED}.
     */
    byte[] lookup(long clientId, long sequence, long floor) {
        Session session = sessions.get(clientId);
        if (null == session) {
            session = new Session(clientId);
            sessions.put(clientId, session);
            if (sessions.size() > maxSessions) {
                final Session evicted = oldest;
                unlink(evicted);
                sessions.remove(evicted.clientId);
            }
        } else {
            unlink(session);
        }
        linkNewest(session);
        session.advanceFloor(floor);
        if (sequence < session.floor) {
            return FORGOTTEN;
        }
        return session.find(sequence);
    }

    /** Records the answer of a command just applied; call after {@link #lookup} returned NOT_APPLIED. */
    void record(long clientId, long sequence, byte[] answer) {
        sessions.get(clientId).add(sequence, answer);
    }

    int size() {
        return sessions.size();
    }

    private void unlink(Session session) {
        if (null != session.newer) {
            session.newer.older = session.older;
        } else {
            newest = session.older;
        }
        if (null != session.older) {
            session.older.newer = session.newer;
        } else {
            oldest = session.newer;
        }
        session.newer = null;
        session.older = null;
    }

    private void linkNewest(Session session) {
        session.older = newest;
        if (null != newest) {
            newest.newer = session;
        }
        newest = session;
        if (null == oldest) {
            oldest = session;
        }
    }

    /**
     * Encodes every session, oldest first, for a snapshot: [count] then per session [client id][floor][answers]
     * and per answer [sequence][kind][length][bytes] (little-endian; kind 0 = answer, 1 = forgotten, 2 = failed).
     *
     * @return the encoded table.
     */
    byte[] encode() {
        int size = 4;
        for (Session s = oldest; null != s; s = s.newer) {
            size += 20;
            for (int i = 0; i < s.count; i++) {
                size += 13 + s.answers[(s.head + i) % s.sequences.length].length;
            }
        }
        final ByteBuffer out = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(sessions.size());
        for (Session s = oldest; null != s; s = s.newer) {
            out.putLong(s.clientId).putLong(s.floor).putInt(s.count);
            for (int i = 0; i < s.count; i++) {
                final int slot = (s.head + i) % s.sequences.length;
                final byte[] answer = s.answers[slot];
                out.putLong(s.sequences[slot]).put((byte)(answer == FORGOTTEN ? 1 : answer == FAILED ? 2 : 0))
                    .putInt(answer.length).put(answer);
            }
        }
        return out.array();
    }

    /**
     * Replaces every session with those encoded by {@link #encode()}.
     *
     * @throws StorageException when the bytes are not a valid table.
     */
    void restore(ByteBuffer encoded) {
        final ByteBuffer in = encoded.slice().order(ByteOrder.LITTLE_ENDIAN);
        sessions.clear();
        newest = null;
        oldest = null;
        try {
            final int count = in.getInt();
            checkCount(count, in.remaining() / 20, "sessions");
            for (int i = 0; i < count; i++) {
                final Session session = new Session(in.getLong());
                session.floor = in.getLong();
                final int answers = in.getInt();
                checkCount(answers, in.remaining() / 13, "answers");
                for (int a = 0; a < answers; a++) {
                    final long sequence = in.getLong();
                    final byte kind = in.get();
                    final int length = in.getInt();
                    checkCount(length, in.remaining(), "answer bytes");
                    final byte[] answer = kind == 1 ? FORGOTTEN : kind == 2 ? FAILED : new byte[length];
                    if (kind == 0) {
                        in.get(answer);
                    } else {
                        in.position(in.position() + length);
                    }
                    session.add(sequence, answer);
                }
                sessions.put(session.clientId, session);
                linkNewest(session);
            }
        } catch (java.nio.BufferUnderflowException e) {
            throw new StorageException("the client session table in the snapshot is truncated", e);
        }
    }

    private static void checkCount(int count, int most, String what) {
        if (count < 0 || count > most) {
            throw new StorageException("the client session table in the snapshot is corrupt: " + count + " " + what
                + ", at most " + most + " fit the remaining bytes");
        }
    }

    /** Answers of one client, sorted by sequence, in a ring. */
    private static final class Session {
        final long clientId;
        Session newer;
        Session older;
        long floor;
        long[] sequences = new long[16];
        byte[][] answers = new byte[16][];
        int head;
        int count;

        Session(long clientId) {
            this.clientId = clientId;
        }

        void advanceFloor(long newFloor) {
            if (newFloor <= floor) {
                return;
            }
            floor = newFloor;
            while (count > 0 && sequences[head] < floor) {
                answers[head] = null;
                head = (head + 1) % sequences.length;
                count--;
            }
        }

        byte[] find(long sequence) {
            int low = 0;
            int high = count - 1;
            while (low <= high) {
                final int mid = (low + high) >>> 1;
                final long s = sequences[(head + mid) % sequences.length];
                if (s < sequence) {
                    low = mid + 1;
                } else if (s > sequence) {
                    high = mid - 1;
                } else {
                    return answers[(head + mid) % sequences.length];
                }
            }
            return NOT_APPLIED;
        }

        void add(long sequence, byte[] answer) {
            if (count == sequences.length) {
                final long[] newSequences = new long[count * 2];
                final byte[][] newAnswers = new byte[count * 2][];
                for (int i = 0; i < count; i++) {
                    newSequences[i] = sequences[(head + i) % sequences.length];
                    newAnswers[i] = answers[(head + i) % sequences.length];
                }
                sequences = newSequences;
                answers = newAnswers;
                head = 0;
            }
            // Retries may apply an older sequence after a newer one: keep the ring sorted.
            int position = count;
            while (position > 0 && sequences[(head + position - 1) % sequences.length] > sequence) {
                final int from = (head + position - 1) % sequences.length;
                final int to = (head + position) % sequences.length;
                sequences[to] = sequences[from];
                answers[to] = answers[from];
                position--;
            }
            final int slot = (head + position) % sequences.length;
            sequences[slot] = sequence;
            answers[slot] = answer;
            count++;
        }

        @Override
        public String toString() {
            return "Session{floor=" + floor + ", sequences=" + Arrays.toString(sequences) + "}";
        }
    }
}
