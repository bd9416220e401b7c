package loopwork.http;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A {@link RouteTable} compiled: routes tried in order by method and path where the path lies in the input,
 * and the 405 answer for each set of methods a path allows, encoded the first time it is needed.
 *
 * <p>Thread-safe: immutable but for that cache of encoded answers, whose slots are set once (a race encodes
 * the same answer twice).
 */
final class Routes {
    private final Route[] routes;
    private final int[] methods;
    private final PathPattern[] patterns;
    private final BodyMode[] bodies;
    private final String[] labels;
    private final AtomicReferenceArray<HttpResponse> notAllowed = new AtomicReferenceArray<>(1 << 8);

    Routes(RouteTable table) {
        List<RouteTable.Entry> entries = table.entries();
        int n = entries.size();
        routes = new Route[n];
        methods = new int[n];
        patterns = new PathPattern[n];
        bodies = new BodyMode[n];
        labels = new String[n];
        for (int i = 0; i < n; i++) {
            RouteTable.Entry entry = entries.get(i);
            routes[i] = entry.route();
            methods[i] = entry.methods();
            patterns[i] = new PathPattern(entry.pattern(), entry.prefix());
            bodies[i] = entry.body();
            boolean get = (entry.methods() & HttpMethod.GET.bit()) != 0;
            labels[i] = (get ? "" : HttpMethod.allowList(entry.methods()) + " ") + entry.pattern()
                    + (entry.prefix() ? "*" : "");
        }
    }

    /** Each route once, in table order (a route registered twice is listed twice). */
    Route[] all() {
        return routes.clone();
    }

    /** How many routes there are: also the index {@link #match} gives a path that none serves. */
    int size() {
        return routes.length;
    }

    Route route(int index) {
        return index < routes.length ? routes[index] : null;
    }

    BodyMode body(int index) {
        return bodies[index];
    }

    /** What the metrics call route {@code index}: its pattern, after its methods unless it is a GET route. */
    String label(int index) {
        return labels[index];
    }

    /**
     * The index of the first route for the method and path {@code [start, end)} of {@code b}, its parameters'
     * bounds left in {@code params}; else {@link #size()}, with the methods that other routes serve this path
     * for in {@code allowed[0]} (0: none, a 404).
     */
    int match(HttpMethod method, ByteBuffer b, int start, int end, int[] params, int[] allowed) {
        int bit = method.bit();
        for (int i = 0; i < routes.length; i++) {
            if ((methods[i] & bit) != 0 && patterns[i].matches(b, start, end, params)) {
                return i;
            }
        }
        int mask = 0;
        for (int i = 0; i < routes.length; i++) {
            if ((methods[i] & ~mask) != 0 && patterns[i].matches(b, start, end, params)) {
                mask |= methods[i];
            }
        }
        allowed[0] = mask;
        return routes.length;
    }

    /** The index of parameter {@code name} in route {@code index}'s pattern, or -1. */
    int param(int index, CharSequence name) {
        return index < routes.length ? patterns[index].param(name) : -1;
    }

    /** 405 with {@code Allow} listing {@code methods}, encoded once per set. */
    HttpResponse notAllowed(int methods) {
        int slot = methods & 0xFF;
        HttpResponse response = notAllowed.get(slot);
        if (response == null) {
            response = new HttpResponse(405, "Method Not Allowed", "Allow: " + HttpMethod.allowList(methods) + "\r\n",
                    "", new byte[0]);
            notAllowed.set(slot, response);
        }
        return response;
    }
}
