package loopwork.core.transport;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A poller of the {@link MemoryTransport}: level-triggered, and its {@link #poll} never waits: it reports at
 * once what is ready (a blocking poller's wait that found nothing tells its transport how long it would have
 * waited), so a loop on it is driven by calling its {@code doWork()} from a test, not by its own
 * thread. It looks at its listener, if it has one, and at each connection it watches, as the poll starts;
 * a connection that left it or closed earlier in the same poll is skipped.
 *
 * <p>Not thread-safe: owned by its thread (the one stepping its loop).
 */
final class MemoryPoller extends Poller {

    private final MemoryTransport family;
    /** Where ready connections go; null for a blocking poller. */
    private final Readiness readiness;
    private final List<MemoryPeer> watched = new ArrayList<>();
    private MemoryListener listener;

    MemoryPoller(MemoryTransport family, Readiness readiness) {
        this.family = family;
        this.readiness = readiness;
    }

    @Override
    public Listener openListener(int home, int capacity) {
        assert readiness != null : "a blocking poller reports no connections";
        listener = family.addHome(home, capacity);
        return listener;
    }

    @Override
    public int poll(long timeoutMs) {
        int ready = 0;
        if (listener != null && listener.isAcceptable()) {
            ready++;
            readiness.onAcceptable();
        }
        for (MemoryPeer peer : watched.toArray(new MemoryPeer[0])) {
            int events = peer.watcher == this ? peer.ready() & peer.interest : 0;
            if (events != 0) {
                ready++;
                if (readiness != null) {
                    readiness.onReady(peer.home, peer.id, events);
                }
            }
        }
        if (ready == 0 && readiness == null && timeoutMs > 0) {
            family.waitedIdle(timeoutMs); // a blocking wait: it ends at once, having waited this long
        }
        return ready;
    }

    @Override
    public void wakeup() {
        // never waits
    }

    @Override
    public void close() {
        watched.clear();
    }

    @Override
    public int read(int home, int id, ByteBuffer dst, long dstAddress) {
        return family.peer(home, id).read(dst);
    }

    @Override
    public int write(int home, int id, ByteBuffer src, long srcAddress, boolean last) {
        return family.peer(home, id).write(src);
    }

    @Override
    public boolean watch(int home, int id, int interest) {
        if (interest == 0) {
            unwatch(home, id);
            return true;
        }
        MemoryPeer peer = family.peer(home, id);
        if (peer.watcher != this) {
            assert peer.watcher == null : "connection " + id + " still watched by another thread's poller";
            peer.watcher = this;
            watched.add(peer);
        }
        peer.interest = interest;
        return true;
    }

    @Override
    public void unwatch(int home, int id) {
        MemoryPeer peer = family.peer(home, id);
        if (peer.watcher == this) {
            forget(peer);
        }
    }

    /** Stops watching {@code peer}: it left, or closed. */
    void forget(MemoryPeer peer) {
        watched.remove(peer);
        peer.watcher = null;
        peer.interest = 0;
    }

    @Override
    public void close(int home, int id, boolean reset) {
        MemoryPeer peer = family.peer(home, id);
        if (peer.watcher != null) {
            peer.watcher.forget(peer);
        }
        peer.closedByServer(reset);
        family.closed(home, id);
    }

    @Override
    public boolean isOpen(int home, int id) {
        return family.peer(home, id) != null;
    }
}
