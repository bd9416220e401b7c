package loopwork.core;

/**
 * What a handler may know of the thread it serves, fixed before the thread starts.
 *
 * @param index          an accept loop's index, 0 to accept threads - 1; a worker's, 0 to workers - 1
 * @param capacity       contexts in the loop's pool: connection ids run from 0 to capacity - 1; 0 for a
 *                       worker, which has no pool and serves connections moved or handed to it from every
 *                       accept loop (whose ids overlap): keep per-connection state in the connection's
 *                       {@link Connection#attach attachment}, which travels with it, not in an array by id
 * @param inputCapacity  bytes of a connection's input buffer: a message that does not fit can never be parsed
 * @param outputCapacity bytes a connection can have queued for sending before {@link Connection#write} refuses
 * @param role           which of the kit's threads the handler serves
 * @param workers        the kit's worker threads: {@link Connection#tryClaimTask(int, int)} takes 0 to workers - 1
 */
public record LoopInfo(int index, int capacity, int inputCapacity, int outputCapacity, Role role, int workers) {

    /**
     * A loop's or worker's info in a kit of no workers: for tests and benchmarks that make a handler
     * themselves.
     *
     * @param index          the loop's index
     * @param capacity       contexts in the loop's pool; 0 for a worker
     * @param inputCapacity  bytes of a connection's input buffer
     * @param outputCapacity bytes a connection can have queued for sending
     * @param role           which of the kit's threads the handler serves
     */
    public LoopInfo(int index, int capacity, int inputCapacity, int outputCapacity, Role role) {
        this(index, capacity, inputCapacity, outputCapacity, role, 0);
    }

    /**
     * {@return whether the handler is called with events (an accept loop's or a worker's loop)} If not, it
     * serves a worker's blocking side and only holds per-worker state for blocking code and tasks.
     */
    public boolean isEventLoop() {
        return role != Role.WORKER_BLOCKING;
    }

    /** The threads that make a handler of their own (each one, with {@link Protocol#newHandler}). */
    public enum Role {
        /** An accept loop: the connections it accepted, while they are at home. */
        ACCEPT_LOOP,
        /** A worker's own event loop: connections moved to the worker ({@link Connection#moveToWorker}). */
        WORKER_LOOP,
        /**
         * A worker's blocking side: runs tasks and serves connections handed off to it; its handler is
         * reached through {@link BlockingConnection#handler()}, never called with events.
         */
        WORKER_BLOCKING
    }
}
