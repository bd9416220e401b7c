package loopwork.server;

import loopwork.http.Route;

/**
 * What the demo's worker routes share: a path, and the milliseconds of work each request stands for
 * (--slow-duration). {@link TaskRoute}, {@link SyncRoute} and {@link AsyncRoute} are the seed's three ways
 * to use a worker.
 *
 * <p>Thread-safe: immutable state, set before the kit is built.
 */
abstract class WorkerRoute implements Route {

    final long slowMillis;
    private final String path;

    WorkerRoute(String path, long slowMillis) {
        this.path = path;
        this.slowMillis = slowMillis;
    }

    @Override
    public final String path() {
        return path;
    }
}
