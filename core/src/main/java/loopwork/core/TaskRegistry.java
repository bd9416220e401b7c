package loopwork.core;

/** Where a protocol registers its task types while the kit is built, on the main thread. */
public interface TaskRegistry {

    /**
     * Registers a task type and returns its id, to pass to {@link Connection#tryClaimTask}.
     *
     * @throws IllegalArgumentException when the type needs more than {@value TaskPayload#CAPACITY} payload
     *         bytes: the kit refuses to start rather than fail at run time
     */
    int register(TaskType type);
}
