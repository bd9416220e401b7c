package loopwork.core;

/**
 * Straight-line code that serves a connection handed to a worker ({@link Connection#handOff}): blocking
 * reads and writes, as if it had a thread of its own, which it has while it runs.
 *
 * <pre>{@code
 * BlockingHandler countdown = connection -> {
 *     for (int i = 3; i > 0; i--) {
 *         connection.write((i + "\n").getBytes(US_ASCII));   // blocks while the peer reads slowly
 *         Thread.sleep(100);
 *     }
 *     return true;                                            // back to its event loop
 * };
 * }</pre>
 *
 * <p>Thread-safe by contract: one instance may serve connections on every worker at once.
 */
@FunctionalInterface
public interface BlockingHandler {

    /**
     * Serves the connection on a worker thread.
     *
     * @param connection the handed-off connection, valid only until this returns; its unconsumed input waits
     *                   in {@link BlockingConnection#input()}
     * @return true to give it back to its loop (it stays open), false to close it
     * @throws Exception closes the connection; what was written and not flushed is dropped. Unless it is an
     *         {@link java.io.IOException} (the peer reset or stalled) or the worker's interrupt, it is counted
     *         as a handler error and logged, as {@link ConnectionHandler#onFailure} says
     */
    boolean serve(BlockingConnection connection) throws Exception;
}
