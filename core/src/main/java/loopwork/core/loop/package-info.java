/**
 * Event loops and a connection's life on them. Who owns what:
 * <ul>
 * <li>{@code ConnectionContext}: all of one connection's state, a passive record; its handler's {@code Connection}
 * passes each action to the thread serving it now ({@code servedBy}: a {@code ConnectionActions}).</li>
 * <li>{@code EventLoop}: an agent ({@code doWork()} is one cycle) with a {@code Mailbox}, a poller (made by
 * {@code loopwork.core.transport}, which knows no loop) and a {@code LoopClock} over an injected {@code Clock};
 * {@code AcceptLoop} (listener and pool), {@code AsyncLoop} (a worker's loop for moved connections) and
 * {@code WorkerLoop} (a worker's blocking side: tasks and hand-offs) are its kinds.</li>
 * <li>{@code ConnectionDriver}, one per loop that serves connections: readiness, reads ({@code ConnectionInput}),
 * every handler call through one wrapper ({@code HandlerCall}), writes ({@code ConnectionOutput}), interest,
 * trips ({@code Trips}) and closes ({@code ConnectionCloser}); {@code ServingActions} is its side of the
 * handler's actions.</li>
 * <li>{@code TaskOffload}: a loop's claims of worker slots (tasks and trips), their completions and queue
 * timeouts; {@code HandOff} and {@code BlockingSession}: a worker serving a handed-off connection, on its own
 * thread or on a virtual thread of its pool ({@code VirtualHandOffs}, {@code VirtualHandOff}), which gives the
 * connection back to the worker when done or when it waits for its peer.</li>
 * <li>{@code ConnectionPool}: an accept loop's contexts, made a slab at a time as first needed, over
 * {@code ConnectionBuffers} reserved at start.</li>
 * </ul>
 * Everything here runs on one loop thread unless a class comment names an exception; the entry points assert it
 * ({@code OwnerThread.isCurrent()}), with {@code -ea} as in the tests. {@code LoopStepper} and {@code ManualClock}
 * let {@code loopwork.core.ManualKit} step loops with no thread.
 */
package loopwork.core.loop;
