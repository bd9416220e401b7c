package loopwork.server;

import loopwork.http.BodyMode;
import loopwork.http.HttpExchange;
import loopwork.http.HttpMethod;
import loopwork.http.RouteTable;

/**
 * The routes that show the HTTP module's route API, for a user to try with curl: {@code POST /test/echo}
 * (the body back as it comes, with its Content-Type: {@link EchoRoute}), {@code GET /test/items/{id}} (the id,
 * 404 for one that is not a number) and {@code GET /test/headers} (the request's header lines). Each answers from
 * views of the request, allocating nothing.
 *
 * <p>Thread-safe: stateless.
 */
final class DemoRoutes {

    private static final EchoRoute ECHO = new EchoRoute();

    private DemoRoutes() {
    }

    static RouteTable register(RouteTable routes) {
        return routes.add(HttpMethod.POST, "/test/echo", BodyMode.PIECES, ECHO)
                .get("/test/items/{id}", DemoRoutes::item)
                .get("/test/headers", exchange -> exchange.respond(200, "text/plain", exchange.headerLines()));
    }

    /** The id, as the path gave it, when it is a number. */
    private static void item(HttpExchange exchange) {
        if (exchange.pathParamNumber("id") < 0) {
            exchange.respond(404);
        } else {
            exchange.respond(200, "text/plain", exchange.pathParam("id"));
        }
    }
}
