package loopwork.core.transport;

import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * The NIO state of one accept loop's connections: an object per connection, since NIO needs a channel and
 * keys for each anyway, made in chunks of {@value #CHUNK} as the pool indexes are first used and kept, so that
 * the heap follows use, not the pool's capacity. Each keeps its channel and a key with each selector it has
 * been watched by, for the life of the connection, so that moving between threads registers nothing new:
 * its accept loop's ({@link Connection#homeKey}), its worker loop's and its worker's blocking selector's.
 *
 * <p>Not thread-safe: a chunk is made by the accept loop's thread, accepting into it; afterwards each
 * connection is owned by the thread serving it, as the loop decides (ownership passes through a mailbox
 * message, which orders the chunk's making before every other thread's use).
 */
final class NioConnections {

    static final int CHUNK = 1024;

    /** One connection's channel and kept keys; a key's attachment is its connection. */
    static final class Connection {
        final int home;
        final int id;
        SocketChannel channel;
        SelectionKey homeKey;
        SelectionKey awayKey;
        SelectionKey blockingKey;

        Connection(int home, int id) {
            this.home = home;
            this.id = id;
        }
    }

    final int home;
    /** The accept loop's poller, whose keys are kept as {@link Connection#homeKey}. */
    final NioPoller homePoller;
    private final Connection[][] chunks;

    NioConnections(int home, int capacity, NioPoller homePoller) {
        this.home = home;
        this.homePoller = homePoller;
        chunks = new Connection[Math.ceilDiv(capacity, CHUNK)][];
    }

    /** Connection {@code id}: its chunk is made by the first accept into it, on the accept loop's thread. */
    Connection connection(int id) {
        Connection[] chunk = chunks[id / CHUNK];
        if (chunk == null) {
            chunk = newChunk(id / CHUNK);
        }
        return chunk[id % CHUNK];
    }

    private Connection[] newChunk(int index) {
        Connection[] chunk = new Connection[CHUNK];
        for (int i = 0; i < CHUNK; i++) {
            chunk[i] = new Connection(home, index * CHUNK + i);
        }
        chunks[index] = chunk;
        return chunk;
    }
}
