/**
 * HTTP/1.1 written against the kit's public handler API only: a parser that works in place over the
 * connection's input, pre-encoded responses, keep-alive and pipelining, and routes by method and path pattern
 * ({@link loopwork.http.RouteTable}) that answer on the loop, after a task, on a worker's loop or from blocking
 * code. docs/http.md, "The route API", is the guide.
 */
package loopwork.http;
