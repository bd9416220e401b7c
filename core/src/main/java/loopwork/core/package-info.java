/**
 * The kit's public API: what a protocol implements ({@link loopwork.core.Protocol},
 * {@link loopwork.core.ConnectionHandler}), what it is handed ({@link loopwork.core.Connection},
 * {@link loopwork.core.TaskPayload}), and how a server is assembled and run ({@link loopwork.core.Kit}).
 * Nothing here knows HTTP.
 */
package loopwork.core;
