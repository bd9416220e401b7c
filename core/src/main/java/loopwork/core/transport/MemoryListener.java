package loopwork.core.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * An accept loop's listener on the {@link MemoryTransport}: {@link MemoryTransport#connect} queues a peer in
 * its backlog, which its poller reports as acceptable while it listens; and the loop's connections, by pool
 * index, once accepted.
 *
 * <p>Not thread-safe: owned by its accept loop, except the backlog, to which any thread may connect.
 */
final class MemoryListener extends Listener {

    private final int home;
    private final MemoryPeer[] connections;
    private final Queue<MemoryPeer> backlog = new ConcurrentLinkedQueue<>();
    private volatile boolean listening;
    private boolean accepting = true;
    private MemoryPeer accepted;

    MemoryListener(int home, int capacity) {
        this.home = home;
        this.connections = new MemoryPeer[capacity];
    }

    /** Binds nothing: the address is given back as it came. */
    @Override
    public InetSocketAddress bind(InetSocketAddress address, int backlogLength, int deferAcceptSeconds,
            boolean exclusive) {
        listening = true;
        return address;
    }

    @Override
    public InetSocketAddress adopt(int fd, int deferAcceptSeconds) throws IOException {
        throw new IOException("the memory transport has no file descriptors");
    }

    @Override
    public int descriptor() {
        return -1;
    }

    @Override
    public boolean deferAccept(int seconds) {
        return seconds == 0;
    }

    /** A client connects: false if this listener is not listening. */
    boolean connect(MemoryPeer peer) {
        if (!listening) {
            return false;
        }
        backlog.add(peer);
        return true;
    }

    boolean isAcceptable() {
        return accepting && !backlog.isEmpty();
    }

    @Override
    public int accept() {
        accepted = backlog.poll();
        return accepted == null ? NONE : ACCEPTED;
    }

    @Override
    public String failure() {
        return "none";
    }

    @Override
    public boolean acceptInto(int id) {
        assert connections[id] == null : "connection " + id + " of loop " + home + " is still open";
        connections[id] = accepted;
        accepted.accepted(home, id);
        accepted = null;
        return true;
    }

    @Override
    public void refuse(ByteBuffer scratch, long scratchAddress, ByteBuffer answer, long answerAddress) {
        answer.rewind();
        accepted.refused(answer);
        accepted = null;
    }

    @Override
    public boolean watch(boolean accepting) {
        this.accepting = accepting;
        return true;
    }

    /** Stops listening; the clients still waiting in the backlog are reset, as the kernel does. */
    @Override
    public void close() {
        listening = false;
        for (MemoryPeer peer; (peer = backlog.poll()) != null;) {
            peer.closedByServer(true);
        }
    }

    MemoryPeer peer(int id) {
        return connections[id];
    }

    void closed(int id) {
        connections[id] = null;
    }
}
