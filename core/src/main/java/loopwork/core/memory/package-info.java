/** Off-heap memory reserved at start-up for the connection pools' buffers. */
package loopwork.core.memory;
