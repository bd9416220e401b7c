package loopwork.core;

import java.util.ArrayList;
import java.util.List;

/**
 * Task types registered by the protocol as a kit is built, checked against the slot size as they come.
 *
 * <p>Not thread-safe: used by the thread building the kit.
 */
final class TaskTypes implements TaskRegistry {

    private final List<TaskType> types = new ArrayList<>();

    @Override
    public int register(TaskType type) {
        int bytes = type.payloadBytes();
        if (bytes < 0 || bytes > TaskPayload.CAPACITY) {
            throw new IllegalArgumentException("task type " + type.getClass().getName() + " needs " + bytes
                    + " payload bytes; a worker slot holds " + TaskPayload.CAPACITY);
        }
        types.add(type);
        return types.size() - 1;
    }

    TaskType[] toArray() {
        return types.toArray(new TaskType[0]);
    }
}
