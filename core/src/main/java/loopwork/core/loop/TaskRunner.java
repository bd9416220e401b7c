package loopwork.core.loop;

import loopwork.core.TaskPayload;
import loopwork.core.TaskType;

/**
 * Runs one task in its slot, for a worker, or for a loop with no workers at commit.
 *
 * <p>Thread-safe: stateless.
 */
final class TaskRunner {

    private TaskRunner() {
    }

    /** Runs {@code type} on {@code payload}; returns its completion status ({@link Messages#TASK_OK} or failed). */
    static int run(TaskType type, TaskPayload payload) {
        try {
            type.run(payload);
            return Messages.TASK_OK;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Messages.TASK_FAILED;
        } catch (Exception | LinkageError | AssertionError | StackOverflowError | OutOfMemoryError e) {
            return Messages.TASK_FAILED;
        }
    }
}
