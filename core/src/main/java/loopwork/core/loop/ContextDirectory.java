package loopwork.core.loop;

import java.util.function.Consumer;

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

    /** On {@code driver}'s thread: {@code action} for each connection it serves, of any pool. */
    void forEachServedBy(ConnectionDriver driver, Consumer<ConnectionContext> action) {
        for (ConnectionPool pool : pools) {
            forEachServedBy(pool, driver, action);
        }
    }

    /**
     * On {@code driver}'s thread: {@code action} for each connection of {@code pool} it serves, at the drain's start
     * ({@link ConnectionEvents#drain}) or at stop ({@link ConnectionCloser#closeAtStop}).
     */
    static void forEachServedBy(ConnectionPool pool, ConnectionDriver driver, Consumer<ConnectionContext> action) {
        for (int id = 0, created = pool.created(); id < created; id++) {
            ConnectionContext context = pool.context(id);
            if (context.isServedBy(driver.actions)) {
                action.accept(context);
            }
        }
    }
}
