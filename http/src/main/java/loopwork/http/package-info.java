/**
 * HTTP/1.1 written against the kit's public handler API only: a parser that works in place over the
 * connection's input, pre-encoded responses, keep-alive and pipelining, and exact-path routes that answer
 * on the loop or through a worker task.
 */
package loopwork.http;
