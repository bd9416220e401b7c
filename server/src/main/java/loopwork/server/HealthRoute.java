package loopwork.server;

import java.nio.charset.StandardCharsets;

import loopwork.http.HttpExchange;
import loopwork.http.HttpResponse;
import loopwork.http.Route;

/**
 * {@code GET /healthz}: 200 while the process serves at all (a liveness probe: a loop that answers is alive),
 * answered on the loop with a response encoded once, so allocating nothing. Thread-safe: stateless.
 */
final class HealthRoute implements Route {

    private static final HttpResponse ALIVE = new HttpResponse(200, "OK", "Cache-Control: no-store\r\n",
            "text/plain", "ok\n".getBytes(StandardCharsets.US_ASCII));

    @Override
    public String path() {
        return "/healthz";
    }

    @Override
    public void onRequest(HttpExchange exchange) {
        exchange.respond(ALIVE);
    }
}
