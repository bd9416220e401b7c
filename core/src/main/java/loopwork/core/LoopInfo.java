package loopwork.core;

/**
 * What a handler may know of the loop it serves, fixed before the loop starts.
 *
 * @param index          an accept loop's index, 0 to accept threads - 1; a worker's, 0 to workers - 1
 * @param capacity       contexts in the loop's pool: connection ids run from 0 to capacity - 1; 0 for a
 *                       worker, which has no pool and serves connections moved to it from the accept loops
 * @param inputCapacity  bytes of a connection's input buffer: a message that does not fit can never be parsed
 * @param outputCapacity bytes a connection can have queued for sending before {@link Connection#write} refuses
 */
public record LoopInfo(int index, int capacity, int inputCapacity, int outputCapacity) {
}
