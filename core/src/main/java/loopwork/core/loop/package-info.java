/**
 * Event loops and what each one owns: its listening socket, selector, pool of connection contexts with
 * their buffers, scratch buffers, task offload state and counters. Everything here runs on one loop
 * thread unless a class comment names an exception.
 */
package loopwork.core.loop;
