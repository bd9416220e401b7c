package loopwork.core;

/**
 * Work too heavy for an event loop, run on a worker thread. A task is pure data: its arguments are
 * written into a fixed {@value TaskPayload#CAPACITY}-byte payload in a worker's slot, in place, and its
 * results are written back into the same payload, which returns to the owning loop.
 *
 * <pre>{@code
 * final class Sleep implements TaskType {
 *     public int payloadBytes() { return Long.BYTES; }          // offset 0: milliseconds
 *     public void run(TaskPayload p) throws InterruptedException { Thread.sleep(p.getLong(0)); }
 * }
 * }</pre>
 *
 * <p>Thread-safe by contract: one instance serves every worker at once, so it must keep no mutable state.
 */
public interface TaskType {

    /**
     * {@return the payload bytes this task reads and writes, 0 to {@value TaskPayload#CAPACITY}}
     * Registration refuses a type above that.
     */
    int payloadBytes();

    /**
     * Runs on a worker thread: reads arguments from {@code payload}, writes results into it.
     *
     * @param payload the slot's payload, valid only during this call
     * @throws Exception any failure: counted ({@link WorkerStatistics#tasksFailed()}) and reported to the
     *                   connection's handler ({@link ConnectionHandler#onTaskFailed}), never thrown on its loop
     */
    void run(TaskPayload payload) throws Exception;
}
