package loopwork.core.loop;

/**
 * Connections waiting for a select before their channel can change registration: NIO deregisters a
 * cancelled key only at the next select, and until then the channel can neither become blocking nor be
 * registered again with the same selector. Each entry is run by the first select that starts after it
 * was added.
 *
 * <p>Not thread-safe: owned by its loop.
 */
final class AfterSelect {

    private final ConnectionContext[] queue;
    private int head;
    private int size;

    AfterSelect(int capacity) {
        queue = new ConnectionContext[Math.max(1, capacity)];
    }

    int size() {
        return size;
    }

    void add(ConnectionContext context) {
        if (size == queue.length) {
            throw new IllegalStateException("more connections changing hands than the loop can hold: " + size);
        }
        queue[(head + size) % queue.length] = context;
        size++;
    }

    /** Runs the first {@code count} entries (those added before the select that just ran); returns how many. */
    int run(int count) {
        for (int i = 0; i < count; i++) {
            ConnectionContext context = queue[head];
            queue[head] = null;
            head = (head + 1) % queue.length;
            size--;
            context.afterSelect();
        }
        return count;
    }
}
