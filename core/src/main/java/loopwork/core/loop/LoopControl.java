package loopwork.core.loop;

/**
 * What the kit asks of a loop from outside its thread: first to drain (take no new connections, finish what it
 * holds), then to stop. The phase only moves forward. A hand-off reads its worker's, so that it sees the drain in
 * its answers and the stop in its next read, write or wait.
 *
 * <p>Thread-safe: written by the thread closing the kit (under the kit's lock), read by the loop's threads.
 */
final class LoopControl {

    private static final int RUNNING = 0;
    private static final int DRAINING = 1;
    private static final int STOPPING = 2;

    private volatile int phase = RUNNING;

    /** Asks for a drain; nothing if one was asked for already, or a stop. */
    void drain() {
        if (phase == RUNNING) {
            phase = DRAINING;
        }
    }

    void stop() {
        phase = STOPPING;
    }

    /** Whether a drain was asked for (a stop implies one). */
    boolean draining() {
        return phase != RUNNING;
    }

    boolean stopping() {
        return phase == STOPPING;
    }
}
