package loopwork.core;

import java.io.PrintStream;

/**
 * The settings a {@link Kit} is built with, checked by {@link KitBuilder#build()}.
 *
 * @param host               address to listen on
 * @param port               port, 0 for any free one (every loop then joins the port the first one got)
 * @param acceptThreads      event loops, each with its own SO_REUSEPORT listening socket
 * @param acceptCapacity     the most connections one loop holds at once: their buffers reserved at start,
 *                           their contexts made as connections come
 * @param workerThreads      worker threads; 0 runs tasks on the loop itself
 * @param taskSlotsPerWorker task slots of each worker, a power of two
 * @param inputBufferBytes   a connection's input buffer: the largest message a protocol can parse
 * @param outputBufferBytes  a connection's output buffer: what can wait for a slow reader
 * @param backlog            listen backlog of each listening socket
 * @param deferAcceptSeconds accept a connection only once its first bytes arrived, or after about this many
 *                           seconds (TCP_DEFER_ACCEPT; epoll transport): for protocols whose client speaks
 *                           first; 0 accepts at once
 * @param deferAcceptAdaptive with {@code deferAcceptSeconds} > 0: each loop defers only while connections come
 *                           faster than their first bytes, where it saves the loop a wake-up per connection,
 *                           and not on NIO, which cannot
 * @param transport          NIO or Linux epoll
 * @param handOffLimits      how long a handed-off connection's peer may keep its worker waiting
 * @param queueTimeoutMs     how long a task or a hand-off may wait for its worker to start it; past that its
 *                           loop takes it back and the handler hears {@link ConnectionHandler#onQueueTimeout}
 * @param log                debug output, or null
 * @param reusePort          join sockets already listening on the address (SO_REUSEPORT) instead of failing
 * @param inherited          listening sockets to serve instead of binding host and port; none to bind
 * @param syncThreads        what runs a blocking handler: the worker's thread, or a virtual thread per hand-off
 */
public record KitConfig(String host, int port, int acceptThreads, int acceptCapacity, int workerThreads,
        int taskSlotsPerWorker, int inputBufferBytes, int outputBufferBytes, int backlog, int deferAcceptSeconds,
        boolean deferAcceptAdaptive, Transport transport, HandOffLimits handOffLimits, long queueTimeoutMs,
        PrintStream log, boolean reusePort, InheritedListeners inherited, SyncThreads syncThreads) {

    /**
     * {@return tasks an accept loop may have in flight: what all workers' slots hold, a power of two from 64 to
     * 2^20} Its mailbox is that large, so that every task coming back finds room.
     */
    public int mailboxCapacity() {
        long slots = Math.max(64L, (long) workerThreads * taskSlotsPerWorker);
        return (int) Math.min(1 << 20, Long.highestOneBit(slots - 1) << 1);
    }

    /** {@return whether the listeners may defer accepting at all: only on epoll, as NIO cannot} */
    public boolean mayDeferAccept() {
        return deferAcceptSeconds > 0 && transport == Transport.EPOLL;
    }

    /** {@return bytes of buffer address space reserved for one accept loop's pool: its input and output buffers} */
    public long poolBufferBytesPerLoop() {
        return (long) acceptCapacity * (inputBufferBytes + outputBufferBytes);
    }
}
