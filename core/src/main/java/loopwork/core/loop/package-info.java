/**
 * Event loops and what each one owns: its listener and poller (made by {@code loopwork.core.transport},
 * which knows no loop), pool of connection contexts with their buffers, scratch buffers, task offload state
 * and counters. Everything here runs on one loop thread unless a class comment names an exception; the
 * entry points assert it ({@code OwnerThread.isCurrent()}), with {@code -ea} as in the tests.
 */
package loopwork.core.loop;
