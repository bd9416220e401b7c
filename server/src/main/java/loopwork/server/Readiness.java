package loopwork.server;

/**
 * Whether the server takes traffic, as {@code /readyz} tells load balancers and orchestrators: {@link
 * State#STARTING} until its listeners are up, then {@link State#READY}, and {@link State#DRAINING} from the moment
 * it starts to stop (a drain, or a close), never ready again.
 *
 * <p>Thread-safe: one writer at a time (the thread starting the server, then the one stopping it), each change a
 * volatile write that every loop answering {@code /readyz} sees at once; reading it allocates nothing.
 */
public final class Readiness {

    /** The server's state, as {@code /readyz} answers it: 200 only when {@link #READY}. */
    public enum State {
        STARTING, READY, DRAINING
    }

    private volatile State state = State.STARTING;

    public State state() {
        return state;
    }

    /** Listening: ready, unless a drain began meanwhile (a SIGTERM during start-up), which wins. */
    synchronized void markReady() {
        if (state == State.STARTING) {
            state = State.READY;
        }
    }

    /** Stopping: unready from now on, so that balancers stop sending before the listeners close. */
    public synchronized void markDraining() {
        state = State.DRAINING;
    }
}
