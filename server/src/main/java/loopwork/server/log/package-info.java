/**
 * The program's logging backend: java.util.logging set up to write one line per record to stderr. Exported to
 * java.logging alone, which makes the {@link loopwork.server.log.ServerLogManager} by reflection.
 */
package loopwork.server.log;
