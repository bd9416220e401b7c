package loopwork.server;

import java.nio.charset.StandardCharsets;

import loopwork.http.HttpExchange;
import loopwork.http.HttpResponse;
import loopwork.http.Route;

/**
 * {@code GET /readyz}: 200 when the server takes traffic, 503 while it starts or drains, as Kubernetes readiness
 * probes and HAProxy's {@code option httpchk} expect (any 2xx or 3xx passes, anything else fails). The body
 * names the state. Answered on the loop with responses encoded once: reading the state and answering allocate
 * nothing. Thread-safe: reads the server's {@link Readiness}, a volatile.
 */
final class ReadyRoute implements Route {

    private static final String NO_STORE = "Cache-Control: no-store\r\n";
    private static final HttpResponse READY = answer(200, "OK", "ready\n");
    private static final HttpResponse STARTING = answer(503, "Service Unavailable", "starting\n");
    private static final HttpResponse DRAINING = answer(503, "Service Unavailable", "draining\n");

    private final Readiness readiness;

    ReadyRoute(Readiness readiness) {
        this.readiness = readiness;
    }

    private static HttpResponse answer(int status, String reason, String body) {
        return new HttpResponse(status, reason, NO_STORE, "text/plain", body.getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public String path() {
        return "/readyz";
    }

    @Override
    public void onRequest(HttpExchange exchange) {
        exchange.respond(switch (readiness.state()) {
            case READY -> READY;
            case STARTING -> STARTING;
            case DRAINING -> DRAINING;
        });
    }
}
