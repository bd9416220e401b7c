package loopwork.core.loop;

import loopwork.core.ring.SlotRing;

/**
 * The work a loop gave workers that may not have started yet (tasks and hand-offs), oldest first, each
 * with the time it may wait for its worker. The queue timeout is the same for all, so deadlines come in
 * the order the work was given: a FIFO of flat arrays, no sorting, no allocation. An entry only names a
 * slot; whether that slot's work started is the slot's own state ({@link SlotRing#state}), which the worker
 * and this loop settle with one compare-and-set each. Entries whose work started stay until their deadline
 * comes (then they are skipped), or until the queue fills, when they are swept out: at most what the loop
 * has in flight is still queued, and the queue is at least that large.
 *
 * <p>Not thread-safe: owned by its loop.
 */
final class QueuedWork {

    private final SlotRing[] rings;
    private final long[] positions;
    private final ConnectionContext[] contexts;
    private final int[] kinds;
    private final long[] deadlinesMs;
    private final int mask;
    private long head;
    private long tail;

    /** {@code capacity}: at least what the loop may have in flight (its mailbox's size caps that). */
    QueuedWork(int capacity) {
        int size = Integer.highestOneBit(Math.max(2, capacity - 1)) << 1;
        mask = size - 1;
        rings = new SlotRing[size];
        positions = new long[size];
        contexts = new ConnectionContext[size];
        kinds = new int[size];
        deadlinesMs = new long[size];
    }

    void add(SlotRing ring, long position, ConnectionContext context, int kind, long deadlineMs) {
        if (tail - head > mask) {
            sweep();
        }
        if (tail - head > mask) {
            throw new IllegalStateException("more work queued than the loop may have in flight");
        }
        int i = (int) tail & mask;
        rings[i] = ring;
        positions[i] = position;
        contexts[i] = context;
        kinds[i] = kind;
        deadlinesMs[i] = deadlineMs;
        tail++;
    }

    boolean isEmpty() {
        return head == tail;
    }

    /** The oldest entry's deadline; only when not {@link #isEmpty()}. */
    long firstDeadlineMs() {
        return deadlinesMs[(int) head & mask];
    }

    SlotRing firstRing() {
        return rings[(int) head & mask];
    }

    long firstPosition() {
        return positions[(int) head & mask];
    }

    ConnectionContext firstContext() {
        return contexts[(int) head & mask];
    }

    int firstKind() {
        return kinds[(int) head & mask];
    }

    /** Whether the oldest entry's work still waits for its worker; only when not {@link #isEmpty()}. */
    boolean firstStillQueued() {
        return stillQueued((int) head & mask);
    }

    /** Whether the work of the entry at {@code index} still waits for its worker. */
    private boolean stillQueued(int index) {
        long position = positions[index];
        return rings[index].state(position) == Messages.queued(position);
    }

    /** Drops the entries whose work has started, keeping the others in order. Rare: only when full. */
    private void sweep() {
        long kept = head;
        for (long at = head; at < tail; at++) {
            int from = (int) at & mask;
            if (stillQueued(from)) {
                int to = (int) kept & mask;
                rings[to] = rings[from];
                positions[to] = positions[from];
                contexts[to] = contexts[from];
                kinds[to] = kinds[from];
                deadlinesMs[to] = deadlinesMs[from];
                kept++;
            }
        }
        for (long at = kept; at < tail; at++) {
            rings[(int) at & mask] = null;
            contexts[(int) at & mask] = null;
        }
        tail = kept;
    }

    void removeFirst() {
        rings[(int) head & mask] = null;
        contexts[(int) head & mask] = null;
        head++;
    }
}
