package loopwork.core.loop;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;

/**
 * A connection on Java NIO: its channel, non-blocking, and a key with each selector it has been watched by,
 * kept for the life of the connection so that moving between threads registers nothing new: its accept
 * loop's, its worker loop's and its worker's blocking selector's. A key not in use watches nothing. Each
 * accepted connection costs NIO a channel, a socket and a key or more: the epoll transport avoids them.
 *
 * <p>Not thread-safe: owned by the thread serving its connection.
 */
final class NioEndpoint extends Endpoint {

    private final ConnectionContext context;
    SocketChannel channel;
    private SelectionKey homeKey;
    private SelectionKey awayKey;
    private SelectionKey blockingKey;

    NioEndpoint(ConnectionContext context) {
        this.context = context;
    }

    @Override
    int read(Poller serving, ByteBuffer dst, long dstAddress) {
        try {
            return channel.read(dst); // -1 is END
        } catch (IOException e) {
            return FAILED; // reset by peer
        }
    }

    @Override
    int write(Poller serving, ByteBuffer src, long srcAddress) {
        try {
            return channel.write(src);
        } catch (IOException e) {
            return FAILED;
        }
    }

    @Override
    boolean watch(Poller poller, int interest) {
        SelectionKey key = key(((NioPoller) poller).selector, poller.loop == null, poller.loop == context.home);
        if (key == null) {
            return false;
        }
        key.interestOps(interest);
        return true;
    }

    @Override
    void unwatch(Poller poller) {
        Selector selector = ((NioPoller) poller).selector;
        SelectionKey key = poller.loop == null ? blockingKey : poller.loop == context.home ? homeKey : awayKey;
        if (key != null && key.selector() == selector) { // never registered there: nothing to stop
            key.interestOps(0);
        }
    }

    /** The key with {@code selector}, registered on first use; null if the channel could not register. */
    private SelectionKey key(Selector selector, boolean blocking, boolean home) {
        SelectionKey key = blocking ? blockingKey : home ? homeKey : awayKey;
        if (key != null && key.selector() == selector) {
            return key;
        }
        if (key != null) {
            key.cancel(); // it went to another worker this time
        }
        try {
            key = channel.register(selector, 0, context);
        } catch (IOException | RuntimeException e) {
            return null;
        }
        if (blocking) {
            blockingKey = key;
        } else if (home) {
            homeKey = key;
        } else {
            awayKey = key;
        }
        return key;
    }

    @Override
    void close(Poller serving) {
        try {
            channel.close(); // cancels every key it has, on every selector
        } catch (IOException e) {
            // already gone
        }
        channel = null;
        homeKey = null;
        awayKey = null;
        blockingKey = null;
    }

    @Override
    boolean isOpen() {
        return channel != null && channel.isOpen();
    }
}
