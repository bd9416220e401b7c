package loopwork.http.guide;

import java.nio.charset.StandardCharsets;

import loopwork.http.HttpLimits;
import loopwork.http.HttpProtocol;
import loopwork.http.RouteTable;

/** docs/http.md's route API example, whole: a service of items, echoes and a blocking report. */
public final class ItemsService {

    static final byte[] REPORT = "all well\n".getBytes(StandardCharsets.US_ASCII);

    public static HttpProtocol protocol() {
        RouteTable routes = new RouteTable()
                .get("/items/{id}", ex -> {                          // on the loop, as the head arrives
                    long id = ex.pathParamNumber("id");              // -1 when not a number
                    if (id < 0) {
                        ex.respond(404);
                        return;
                    }
                    ex.addHeader("Cache-Control", "no-store").respond(200, "text/plain", ex.pathParam("id"));
                })
                .post("/echo", ex -> {                               // once the whole body is in
                    CharSequence type = ex.header("Content-Type");
                    ex.respond(200, type != null ? type : "application/octet-stream", ex.body());
                })
                .get("/report", (ex, blocking) ->                    // blocking code on a worker
                        ex.respond(blocking, 200, "text/plain", REPORT, 0, REPORT.length))
                .prefix("/static/", ex -> ex.respond(200, "text/plain", ex.path()));
        return new HttpProtocol(routes, HttpLimits.DEFAULTS, 2);     // two body buffers per loop
    }

    private ItemsService() {
    }
}
