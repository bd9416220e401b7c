package loopwork.server;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import loopwork.core.KitBuilder;
import loopwork.core.Transport;
import loopwork.http.HttpLimits;

/** Servers with an admin listener on a free port, and a plain HTTP client to ask them, for the operator's tests. */
final class OperatorServers {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private OperatorServers() {
    }

    /** One loop of {@code capacity} contexts, one worker, {@code slowMs} of slow work, no deferred accepts. */
    static ServerOptions.Settings settings(int capacity, int slowMs, ServerOptions.Admin admin) {
        return new ServerOptions.Settings("127.0.0.1", 0, 1, capacity, 1, slowMs, LoopworkServer.SlowMode.TASK, 1024,
                ServerOptions.DEFAULT_MAX_HEAD, HttpLimits.DEFAULTS, ServerOptions.DEFAULT_HANDOFF_MIN_RATE,
                (int) KitBuilder.DEFAULT_QUEUE_TIMEOUT_MS, Transport.preferred(), 0, false, false, false, null, null)
                .withAdmin(admin);
    }

    /** As {@link #settings}, with an admin listener on a free port of 127.0.0.1. */
    static LoopworkServer start(int capacity, int slowMs) throws IOException {
        return LoopworkServer.start(settings(capacity, slowMs, new ServerOptions.Admin("127.0.0.1", 0, true)), null);
    }

    /** GET {@code path} on 127.0.0.1:{@code port}, as curl would. */
    static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
