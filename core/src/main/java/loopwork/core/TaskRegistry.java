package loopwork.core;

/** Where a protocol registers its task types while the kit is built, on the main thread. */
public interface TaskRegistry {

    /**
     * Registers a task type and returns its id, to pass to {@link Connection#tryClaimTask}.
     *
     * @param type the task type, stateless or sharded by worker: every worker runs it, several at once
     * @return the type's id: 0 for the first registered, then 1, 2, ...
     * @throws IllegalArgumentException when the type needs more than {@value TaskPayload#CAPACITY} payload
     *         bytes: the kit refuses to start rather than fail at run time
     */
    int register(TaskType type);
}
