package loopwork.server;

import loopwork.core.TaskPayload;
import loopwork.core.TaskType;

/**
 * The original's heavy-weight work: sleep for the milliseconds in the payload's first long.
 * Thread-safe: stateless.
 */
final class SleepTask implements TaskType {

    static final int MILLIS = 0;

    @Override
    public int payloadBytes() {
        return Long.BYTES;
    }

    @Override
    public void run(TaskPayload payload) throws InterruptedException {
        long millis = payload.getLong(MILLIS);
        if (millis > 0) {
            Pause.millis(millis);
        }
    }
}
