package loopwork.core.loop;

/**
 * Every accept loop's pool, by loop index: how a worker finds the context a message or a ready event names.
 *
 * <p>Filled in once by the thread building the kit, before any loop starts; read-only after, from any thread
 * (each context is then touched only by the thread serving it).
 */
final class ContextDirectory {

    private final ConnectionPool[] pools;

    ContextDirectory(ConnectionPool[] pools) {
        this.pools = pools;
    }

    ConnectionContext context(int home, int id) {
        return pools[home].context(id);
    }

    /** At stop, on {@code driver}'s thread: resets every connection it still serves, of any pool. */
    void closeServedBy(ConnectionDriver driver) {
        for (ConnectionPool pool : pools) {
            closeServedBy(pool, driver);
        }
    }

    /** As the drain begins, on {@code driver}'s thread: each connection it serves, of any pool, is told. */
    void drainServedBy(ConnectionDriver driver) {
        for (ConnectionPool pool : pools) {
            drainServedBy(pool, driver);
        }
    }

    /** As the drain begins, on {@code driver}'s thread: each connection of {@code pool} it serves is told. */
    static void drainServedBy(ConnectionPool pool, ConnectionDriver driver) {
        for (int id = 0, created = pool.created(); id < created; id++) {
            ConnectionContext context = pool.context(id);
            if (context.isServedBy(driver.actions)) {
                driver.events.drain(context);
            }
        }
    }

    /**
     * At stop, on {@code driver}'s thread: resets every connection of {@code pool} it still serves, so that its
     * peer sees an answer cut short as an error, not as an end.
     */
    static void closeServedBy(ConnectionPool pool, ConnectionDriver driver) {
        for (int id = 0, created = pool.created(); id < created; id++) {
            ConnectionContext context = pool.context(id);
            if (context.isServedBy(driver.actions)) {
                context.resetOnClose = true;
                driver.closer.close(context);
            }
        }
    }
}
