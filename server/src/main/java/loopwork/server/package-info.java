/**
 * The Loopwork program: options, the demo routes of the original server ({@code /test/fast} on the loop,
 * {@code /test/slow} on a worker), {@code /metrics}, start-up report, daemon mode and shutdown.
 */
package loopwork.server;
