package loopwork.http;

import java.nio.ByteBuffer;

/**
 * The request methods routes are registered for; any other token parses as {@link #OTHER}, which no route
 * serves (405, or 404 when no route serves the path). An enum, so that reading a request's method allocates
 * nothing; {@link HttpExchange#methodName()} shows an {@code OTHER} method's bytes.
 *
 * <p>Thread-safe: immutable.
 */
public enum HttpMethod {
    /** Reads a resource; a GET route serves HEAD too ({@link RouteTable#get}). */
    GET,
    /** As GET, answered with the head alone; served by the path's GET route unless a HEAD route comes first. */
    HEAD,
    /** Sends a body to be processed ({@link RouteTable#post}). */
    POST,
    /** Replaces a resource with the body ({@link RouteTable#put}). */
    PUT,
    /** Removes a resource ({@link RouteTable#delete}). */
    DELETE,
    /** Changes part of a resource; registered with {@link RouteTable#add}. */
    PATCH,
    /** Asks what a resource allows; registered with {@link RouteTable#add}: without such a route, a 405. */
    OPTIONS,
    /** Any other token (CONNECT, TRACE, an extension): no route may be registered for it. */
    OTHER;

    private static final HttpMethod[] ALL = values();

    /** This method's bit in a set of methods (an {@code int}): how a route table keeps what a path allows. */
    int bit() {
        return 1 << ordinal();
    }

    /** The methods whose bits are set in {@code methods}, comma-separated: an {@code Allow} value. */
    static String allowList(int methods) {
        StringBuilder allow = new StringBuilder();
        for (HttpMethod method : ALL) {
            if ((methods & method.bit()) != 0) {
                allow.append(allow.isEmpty() ? "" : ", ").append(method.name());
            }
        }
        return allow.toString();
    }

    /** The method spelled by the token {@code [start, end)} of {@code b} (case-sensitive, RFC 9110 9.1). */
    static HttpMethod of(ByteBuffer b, int start, int end) {
        int length = end - start;
        byte first = length > 2 ? b.get(start) : 0;
        for (HttpMethod method : ALL) {
            String name = method.name();
            if (method != OTHER && name.length() == length && name.charAt(0) == first && matches(b, start, name)) {
                return method;
            }
        }
        return OTHER;
    }

    private static boolean matches(ByteBuffer b, int start, String name) {
        for (int i = 1; i < name.length(); i++) {
            if (b.get(start + i) != name.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
