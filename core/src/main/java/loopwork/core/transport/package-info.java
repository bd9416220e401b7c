/**
 * How bytes reach the loops: the transport seam and its implementations. A {@link
 * loopwork.core.transport.TransportFamily} per kit (Linux epoll, Java NIO, or in memory for tests) makes each
 * thread's {@link loopwork.core.transport.Poller} and each accept loop's {@link
 * loopwork.core.transport.Listener}, and keeps the state of every connection in a table per accept loop, named
 * by the loop's index ({@code home}) and the connection's pool index ({@code id}). A poller does every
 * operation on a connection by those two numbers and reports readiness through the {@link
 * loopwork.core.transport.Readiness} its loop gave it.
 *
 * <p>Dependencies run one way: the loops use this package, and nothing here knows a loop, a context or a
 * clock. Each family's classes hold concrete references to each other, so nothing casts a seam type.
 */
package loopwork.core.transport;
