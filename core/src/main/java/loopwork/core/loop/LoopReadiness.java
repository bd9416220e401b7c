package loopwork.core.loop;

import loopwork.core.transport.Poller;
import loopwork.core.transport.Readiness;

/**
 * Where a loop's poller reports readiness: a ready connection is looked up in its home's pool and served,
 * new connections go to the accept loop. It also keeps the loop's clock: read once per poll, as the wait
 * ends, before the first event is served (a connection's timers count from it), or after the poll when
 * nothing was ready.
 *
 * <p>Not thread-safe: owned by its loop, like the poller that calls it.
 */
final class LoopReadiness implements Readiness {

    private final EventLoop loop;
    /** Whether this poll has read the loop's clock yet. */
    private boolean clockRead;

    LoopReadiness(EventLoop loop) {
        this.loop = loop;
    }

    /** The loop's poll: its poller's, with the clock read as the wait ends. */
    int poll(Poller poller, long timeoutMs) {
        clockRead = false;
        int ready = poller.poll(timeoutMs);
        if (!clockRead) {
            loop.readClock();
        }
        return ready;
    }

    private void awake() {
        if (!clockRead) {
            clockRead = true;
            loop.readClock();
        }
    }

    @Override
    public void onAcceptable() {
        awake();
        loop.onAcceptable();
    }

    @Override
    public void onReady(int home, int id, int ready) {
        awake();
        loop.onReady(loop.context(home, id), ready);
    }
}
