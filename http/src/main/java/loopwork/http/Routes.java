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

    /** The route for the exchange's parsed path, or null. */
    Route match(HttpExchange exchange) {
        for (int i = 0; i < routes.length; i++) {
            if (exchange.pathEquals(paths[i])) {
                return routes[i];
            }
        }
        return null;
    }
}
