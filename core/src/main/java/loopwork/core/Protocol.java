package loopwork.core;

/**
 * A protocol plugged into the kit: it registers its worker task types once, then makes one
 * {@link ConnectionHandler} per event loop.
 *
 * <pre>{@code
 * final class Echo implements Protocol {
 *     public ConnectionHandler newHandler(LoopInfo loop) {
 *         return (connection, in) -> {          // onData: echo what came, as far as it fits
 *             if (connection.write(in)) {
 *                 in.position(in.limit());
 *             }
 *         };
 *     }
 * }
 * }</pre>
 *
 * <p>Thread-safe by contract: both methods are called on the main thread while the kit is built,
 * before any loop runs.
 */
public interface Protocol {

    /**
     * Registers the task types this protocol offloads to workers. Called once, before {@link #newHandler}.
     *
     * @param tasks where to register them; its {@link TaskRegistry#register} returns the id a handler claims
     *              a task with, to keep in the protocol for its handlers
     */
    default void registerTasks(TaskRegistry tasks) {
    }

    /**
     * Bytes sent to a connection refused because its loop's pool is empty, just before it is closed: a
     * pre-encoded "busy" answer in the protocol's terms (HTTP: a 503). Empty by default.
     *
     * @return the bytes, sent as they are; read once, while the kit is built, and copied
     */
    default byte[] refusal() {
        return new byte[0];
    }

    /**
     * Heap, in bytes, that this protocol keeps per context of a loop's pool (the state its handler attaches
     * on a context's first open, say), an estimate: the kit adds its own part to say how many connections a
     * heap holds (see {@link HeapBudget}). 0 by default, for a protocol that keeps none.
     *
     * @return the bytes per connection, 0 or more
     */
    default int heapBytesPerConnection() {
        return 0;
    }

    /**
     * The handler for one thread of the kit: an accept loop, a worker's loop, or a worker's blocking side
     * ({@link LoopInfo#role()}); it is called only on that thread. A handler keeps per-connection state in the
     * connection's attachment, never in an array by connection id: a worker serves connections of every loop.
     *
     * @param loop the thread the handler serves: its role, index, and the number of workers
     * @return a handler of its own for that thread, never one shared with another thread
     */
    ConnectionHandler newHandler(LoopInfo loop);

    /**
     * {@link #newHandler(LoopInfo)} for a protocol with counters of its own: make them with {@code counters}
     * and give them to the handler, which alone writes them; the kit lists them beside its own
     * ({@link Kit#protocolCounters()}). The kit calls this one; by default it calls {@link #newHandler(LoopInfo)}.
     *
     * @param loop     the thread the handler serves: its role, index, and the number of workers
     * @param counters makes counters for that thread, while the kit is built only
     * @return a handler of its own for that thread, never one shared with another thread
     */
    default ConnectionHandler newHandler(LoopInfo loop, CounterRegistry counters) {
        return newHandler(loop);
    }
}
