package loopwork.server;

import loopwork.http.HttpExchange;
import loopwork.http.HttpResponse;
import loopwork.http.Route;

/** {@code GET /test/fast}: 200 with an empty body, answered on the accept thread's loop. Thread-safe: stateless. */
final class FastRoute implements Route {

    @Override
    public String path() {
        return "/test/fast";
    }

    @Override
    public void onRequest(HttpExchange exchange) {
        exchange.respond(HttpResponse.OK);
    }
}
