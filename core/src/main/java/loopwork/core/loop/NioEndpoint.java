package loopwork.core.loop;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
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
    int write(Poller serving, ByteBuffer src, long srcAddress, boolean last) {
        try {
            return channel.write(src);
        } catch (IOException e) {
            return FAILED;
        }
    }

    @Override
    boolean watch(Poller poller, int interest) {
        SelectionKey key = kept(poller);
        if (key == null && (key = register(poller)) == null) {
            return false;
        }
        key.interestOps(interest);
        return true;
    }

    @Override
    void unwatch(Poller poller) {
        SelectionKey key = kept(poller);
        if (key != null) { // never registered there: nothing to stop
            key.interestOps(0);
        }
    }

    /** The key kept in {@code poller}'s role (home, worker loop, blocking), if it is with that poller's selector. */
    private SelectionKey kept(Poller poller) {
        SelectionKey key = poller.loop == null ? blockingKey : poller.loop.homeIndex() == context.home ? homeKey : awayKey;
        return key != null && key.selector() == ((NioPoller) poller).selector ? key : null;
    }

    /** Registers with {@code poller}'s selector, in place of the key kept in its role; null if the channel cannot. */
    private SelectionKey register(Poller poller) {
        SelectionKey key;
        try {
            key = channel.register(((NioPoller) poller).selector, 0, context);
        } catch (IOException | RuntimeException e) {
            return null;
        }
        if (poller.loop == null) {
            cancel(blockingKey); // it went to another worker this time
            blockingKey = key;
        } else if (poller.loop.homeIndex() == context.home) {
            homeKey = key;
        } else {
            cancel(awayKey);
            awayKey = key;
        }
        return key;
    }

    private static void cancel(SelectionKey key) {
        if (key != null) {
            key.cancel();
        }
    }

    @Override
    void close(Poller serving, boolean reset) {
        if (reset) {
            try {
                channel.setOption(StandardSocketOptions.SO_LINGER, 0);
            } catch (IOException e) {
                // a socket already reset refuses it on some systems: it closes all the same
            }
        }
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
