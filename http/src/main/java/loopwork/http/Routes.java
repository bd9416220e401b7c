package loopwork.http;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Exact-path routing table: a few routes, matched by comparing bytes where the path lies in the input.
 *
 * <p>Thread-safe: immutable.
 */
final class Routes {
    private final Route[] routes;
    private final byte[][] paths;

    Routes(List<Route> routes) {
        this.routes = routes.toArray(new Route[0]);
        this.paths = new byte[this.routes.length][];
        for (int i = 0; i < this.routes.length; i++) {
            paths[i] = this.routes[i].path().getBytes(StandardCharsets.US_ASCII);
        }
    }

    Route[] all() {
        return routes;
    }

    /** How many routes there are: also the index {@link #match} gives a path that none serves. */
    int size() {
        return routes.length;
    }

    Route route(int index) {
        return index < routes.length ? routes[index] : null;
    }

    /** The index of the route for the exchange's parsed path, or {@link #size()} when none serves it. */
    int match(HttpExchange exchange) {
        for (int i = 0; i < routes.length; i++) {
            if (exchange.pathEquals(paths[i])) {
                return i;
            }
        }
        return routes.length;
    }
}
