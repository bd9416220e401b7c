/** Counters written by one thread and read by the metrics endpoint from another. */
package loopwork.core.metrics;
