package loopwork.core.transport;

import java.util.Arrays;
import java.util.function.LongConsumer;

/**
 * A transport with no sockets, for tests: each accept loop's listener is a queue that {@link #connect} adds
 * a {@link MemoryPeer} to, and a connection's bytes move between the peer and the server's buffers in
 * memory. Its pollers never wait and are level-triggered: a test drives the loops by calling their
 * {@code doWork()} on its own thread (a loop whose thread has not started lets any thread act as it), with
 * no threads, sleeps or real sockets. A worker's blocking poller does not wait either: a blocking handler
 * waiting for its peer polls until the peer acts or its wait budget runs out. Where the test's thread runs
 * that handler too, nothing can act meanwhile: a transport made with a {@code blockingWait} then lets each
 * wait that found nothing ready pass as time (a stepped kit moves its manual clock by it), so the wait ends
 * on its budget at once instead of spinning; without one, it polls until its budget runs out on its clock.
 *
 * <pre>{@code
 * MemoryTransport transport = new MemoryTransport();
 * AcceptLoop loop = new AcceptLoop(info, handler, refusal, workers, taskTypes, 64, transport, 1_000, null);
 * loop.bind(new InetSocketAddress(0), 16, 0, false);
 * MemoryPeer client = transport.connect(0);
 * client.send("hello\n");
 * loop.doWork();
 * client.receivedAscii(); // what the handler answered
 * }</pre>
 *
 * <p>Not thread-safe: made and filled by the thread building the loops; {@link #connect} may be called from
 * any thread.
 */
public final class MemoryTransport extends TransportFamily {

    private volatile MemoryListener[] homes = new MemoryListener[0];
    /** Told each blocking wait that found nothing ready, with its timeout in ms; null when none is. */
    private final LongConsumer blockingWait;

    public MemoryTransport() {
        this(null);
    }

    /** @param blockingWait told each blocking wait that found nothing ready, with how long it would have waited */
    public MemoryTransport(LongConsumer blockingWait) {
        this.blockingWait = blockingWait;
    }

    @Override
    public Poller newPoller(Readiness readiness) {
        return new MemoryPoller(this, readiness);
    }

    @Override
    public Poller newBlockingPoller() {
        return new MemoryPoller(this, null);
    }

    @Override
    public Poller newIoPoller() {
        return new MemoryPoller(this, null);
    }

    /**
     * A client connects to accept loop {@code loop}: its listener reports it as acceptable at the loop's next
     * poll. The loop must be listening (bound).
     */
    public MemoryPeer connect(int loop) {
        MemoryListener[] listeners = homes;
        MemoryPeer peer = new MemoryPeer();
        if (loop < 0 || loop >= listeners.length || listeners[loop] == null || !listeners[loop].connect(peer)) {
            throw new IllegalStateException("accept loop " + loop + " is not listening");
        }
        return peer;
    }

    MemoryListener addHome(int home, int capacity) {
        MemoryListener[] listeners = homes;
        if (home >= listeners.length) {
            listeners = Arrays.copyOf(listeners, home + 1);
        }
        if (listeners[home] != null) {
            throw new IllegalStateException("accept loop " + home + " has its listener already");
        }
        listeners[home] = new MemoryListener(home, capacity);
        homes = listeners;
        return listeners[home];
    }

    /** The peer of connection {@code id} of loop {@code home}; null when none is open there. */
    MemoryPeer peer(int home, int id) {
        return homes[home].peer(id);
    }

    /** A blocking poller found nothing ready in a wait of up to {@code timeoutMs}. */
    void waitedIdle(long timeoutMs) {
        if (blockingWait == null) {
            // No clock moves while the test's thread waits here: it would spin for good. The handler fails instead.
            throw new IllegalStateException("a blocking wait found nothing ready on a memory transport made without a"
                    + " blockingWait: send the handler's bytes first, or give the transport one");
        }
        blockingWait.accept(timeoutMs);
    }

    void closed(int home, int id) {
        homes[home].closed(id);
    }

    @Override
    public void close() {
    }
}
