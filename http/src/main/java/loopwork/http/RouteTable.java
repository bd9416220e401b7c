package loopwork.http;

import java.util.ArrayList;
import java.util.List;

/**
 * The routes of an {@link HttpProtocol}, by method and path pattern, in the order they are tried: a pattern is
 * an exact path ({@code /items}), a path with parameters, each a whole segment ({@code /items/{id}}), or, with
 * {@link #prefix}, every path that starts with it. A request whose path no route matches gets 404; one whose
 * path matches only routes of other methods gets 405 with {@code Allow} listing them. A GET route answers HEAD
 * too: the exchange sends the head alone, with the length the GET would have.
 *
 * <pre>{@code
 * RouteTable routes = new RouteTable()
 *     .get("/items/{id}", ex -> ex.respond(200, "text/plain", ITEM))                     // on the loop
 *     .post("/echo", ex -> ex.respond(200, ex.header("Content-Type"), ex.body()))       // the whole body
 *     .get("/report", (ex, blocking) -> ex.respond(blocking, REPORT))                   // a worker's blocking code
 *     .prefix("/static/", new Files());
 * Kit kit = Kit.builder().protocol(new HttpProtocol(routes, HttpLimits.DEFAULTS,
 *         HttpProtocol.DEFAULT_BODY_BUFFERS, HttpProtocol.DEFAULT_LARGE_BODY_BUFFERS)).build();
 * }</pre>
 *
 * <p>Each method adds a route and returns the table. A pattern that is not one throws
 * {@link IllegalArgumentException} as it is added: not starting with '/', a space, control, non-ASCII, '?' or
 * '#' in it, a brace outside a parameter that is a whole segment, a parameter unnamed or named twice, more than
 * 8 of them, or one in a prefix. A null route or body mode throws {@link NullPointerException}.
 *
 * <p>Not thread-safe: built on one thread before the protocol is made; the protocol copies it.
 */
public final class RouteTable {

    /** One registered route: what it answers and how it takes the body. */
    record Entry(int methods, String pattern, boolean prefix, BodyMode body, Route route) {
    }

    private final List<Entry> entries = new ArrayList<>();

    /** An empty table. */
    public RouteTable() {
    }

    /**
     * Adds a GET route (HEAD too), called as the head arrives; a body is read past.
     *
     * @param pattern an exact path, or a path with parameters ({@code /items/{id}}), starting with '/'
     * @param route   called for each request matched, from every loop at once (see {@link Route})
     * @return this table, to chain the next route
     * @throws IllegalArgumentException when the pattern is malformed (as the class comment says)
     */
    public RouteTable get(String pattern, Route route) {
        return add(HttpMethod.GET, pattern, BodyMode.SKIP, route);
    }

    /**
     * Adds a GET route (HEAD too) served by blocking code on a worker after a hand-off.
     *
     * @param pattern an exact path, or a path with parameters ({@code /items/{id}}), starting with '/'
     * @param route   run on a worker for each request matched, on every worker at once (see {@link BlockingRoute})
     * @return this table, to chain the next route
     * @throws IllegalArgumentException when the pattern is malformed (as the class comment says)
     */
    public RouteTable get(String pattern, BlockingRoute route) {
        return add(HttpMethod.GET, pattern, BodyMode.SKIP, route);
    }

    /**
     * Adds a POST route called once the whole body is in ({@link BodyMode#WHOLE}).
     *
     * @param pattern an exact path, or a path with parameters ({@code /items/{id}}), starting with '/'
     * @param route   called for each request matched, from every loop at once (see {@link Route})
     * @return this table, to chain the next route
     * @throws IllegalArgumentException when the pattern is malformed (as the class comment says)
     */
    public RouteTable post(String pattern, Route route) {
        return add(HttpMethod.POST, pattern, BodyMode.WHOLE, route);
    }

    /**
     * Adds a POST route served by blocking code on a worker, which reads the body with
     * {@link HttpExchange#bodyStream}.
     *
     * @param pattern an exact path, or a path with parameters ({@code /items/{id}}), starting with '/'
     * @param route   run on a worker for each request matched, on every worker at once (see {@link BlockingRoute})
     * @return this table, to chain the next route
     * @throws IllegalArgumentException when the pattern is malformed (as the class comment says)
     */
    public RouteTable post(String pattern, BlockingRoute route) {
        return add(HttpMethod.POST, pattern, BodyMode.SKIP, route);
    }

    /**
     * Adds a PUT route called once the whole body is in ({@link BodyMode#WHOLE}).
     *
     * @param pattern an exact path, or a path with parameters ({@code /items/{id}}), starting with '/'
     * @param route   called for each request matched, from every loop at once (see {@link Route})
     * @return this table, to chain the next route
     * @throws IllegalArgumentException when the pattern is malformed (as the class comment says)
     */
    public RouteTable put(String pattern, Route route) {
        return add(HttpMethod.PUT, pattern, BodyMode.WHOLE, route);
    }

    /**
     * Adds a DELETE route, called as the head arrives; a body is read past.
     *
     * @param pattern an exact path, or a path with parameters ({@code /items/{id}}), starting with '/'
     * @param route   called for each request matched, from every loop at once (see {@link Route})
     * @return this table, to chain the next route
     * @throws IllegalArgumentException when the pattern is malformed (as the class comment says)
     */
    public RouteTable delete(String pattern, Route route) {
        return add(HttpMethod.DELETE, pattern, BodyMode.SKIP, route);
    }

    /**
     * Adds a GET route (HEAD too) for every path starting with {@code prefix}, called as the head arrives.
     *
     * @param prefix  the start of the paths served, starting with '/' ({@code /static/}); matched raw
     * @param route   called for each request matched, from every loop at once (see {@link Route})
     * @return this table, to chain the next route
     * @throws IllegalArgumentException when the pattern is malformed (as the class comment says)
     */
    public RouteTable prefix(String prefix, Route route) {
        return add(HttpMethod.GET.bit(), prefix, true, BodyMode.SKIP, route);
    }

    /**
     * Adds a route of any method but {@link HttpMethod#OTHER}.
     *
     * @param method  the method served; GET serves HEAD too
     * @param pattern an exact path, or a path with parameters ({@code /items/{id}}), starting with '/'
     * @param body    how the route takes the request's body
     * @param route   called for each request matched, from every loop at once (see {@link Route})
     * @return this table, to chain the next route
     * @throws IllegalArgumentException when the pattern is malformed, or the method is OTHER
     */
    public RouteTable add(HttpMethod method, String pattern, BodyMode body, Route route) {
        return add(method.bit(), pattern, false, body, route);
    }

    /**
     * Adds a route of any method but {@link HttpMethod#OTHER} for every path starting with {@code prefix}.
     *
     * @param method  the method served; GET serves HEAD too
     * @param prefix  the start of the paths served, starting with '/'; matched raw
     * @param body    how the route takes the request's body
     * @param route   called for each request matched, from every loop at once (see {@link Route})
     * @return this table, to chain the next route
     * @throws IllegalArgumentException when the prefix is malformed, or the method is OTHER
     */
    public RouteTable prefix(HttpMethod method, String prefix, BodyMode body, Route route) {
        return add(method.bit(), prefix, true, body, route);
    }

    /**
     * Adds a GET route (HEAD too) that names its exact path: how routes were registered before patterns.
     *
     * @param route serving its {@link Route#path()}, which is read now; called from every loop at once
     * @return this table, to chain the next route
     * @throws IllegalArgumentException when the path is malformed
     */
    public RouteTable add(Route route) {
        return get(route.path(), route);
    }

    private RouteTable add(int methods, String pattern, boolean prefix, BodyMode body, Route route) {
        if (methods == HttpMethod.OTHER.bit()) {
            throw new IllegalArgumentException("routes are for a named method, not OTHER");
        }
        if (pattern == null || !pattern.startsWith("/")) {
            throw new IllegalArgumentException("a path pattern starts with '/': " + pattern);
        }
        if (methods == HttpMethod.GET.bit()) {
            methods |= HttpMethod.HEAD.bit();
        }
        PathPattern.check(pattern, prefix);
        entries.add(new Entry(methods, pattern, prefix, java.util.Objects.requireNonNull(body),
                java.util.Objects.requireNonNull(route)));
        return this;
    }

    List<Entry> entries() {
        return List.copyOf(entries);
    }

    /** A table of routes that each name their exact path: how protocols were built before tables. */
    static RouteTable of(List<? extends Route> routes) {
        RouteTable table = new RouteTable();
        routes.forEach(table::add);
        return table;
    }
}
