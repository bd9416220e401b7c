/**
 * The kit's public API: what a protocol implements ({@link loopwork.core.Protocol},
 * {@link loopwork.core.ConnectionHandler}), what it is handed ({@link loopwork.core.Connection},
 * {@link loopwork.core.TaskPayload}), how a server is assembled and run ({@link loopwork.core.Kit}), and how a
 * protocol is tested with no threads, sockets or wall clock ({@link loopwork.core.ManualKit}).
 * Nothing here knows HTTP.
 */
package loopwork.core;
