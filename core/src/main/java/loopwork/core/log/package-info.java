/**
 * Logging the kit's failures through {@link java.lang.System.Logger}, which an application routes to
 * java.util.logging (the default), SLF4J or another backend, rate-limited so that a flood of failures
 * cannot fill a disk.
 */
package loopwork.core.log;
