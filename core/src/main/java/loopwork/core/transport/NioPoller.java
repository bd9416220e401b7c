package loopwork.core.transport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.function.Consumer;

/**
 * A poller over a Java NIO {@link Selector}. A connection's key's attachment is its
 * {@link NioConnections.Connection}; the listener's is null. {@code OP_READ} and {@code OP_WRITE} are
 * {@link Poller#READ} and {@link Poller#WRITE}. Each accepted connection costs NIO a channel, a socket and a
 * key or more: the epoll transport avoids them.
 *
 * <p>Not thread-safe: owned by its thread, except {@link #wakeup()}.
 */
final class NioPoller extends Poller {

    final Selector selector;
    private final NioTransport family;
    /** Where ready connections go; null for a blocking poller. */
    private final Readiness readiness;
    private final Consumer<SelectionKey> onSelected = this::onSelected;

    NioPoller(NioTransport family, Readiness readiness) throws IOException {
        this.family = family;
        this.readiness = readiness;
        selector = Selector.open();
    }

    /** A poller with no selector, that only reads, writes and closes ({@link TransportFamily#newIoPoller()}). */
    NioPoller(NioTransport family) {
        this.family = family;
        this.readiness = null;
        selector = null;
    }

    @Override
    public Listener openListener(int home, int capacity) throws IOException {
        assert readiness != null : "a blocking poller reports no connections";
        return new NioListener(this, family.addHome(home, capacity, this));
    }

    @Override
    public int poll(long timeoutMs) {
        try {
            return timeoutMs <= 0 ? selector.selectNow(onSelected) : selector.select(onSelected, timeoutMs);
        } catch (IOException e) {
            throw new UncheckedIOException("selector failed", e);
        }
    }

    private void onSelected(SelectionKey key) {
        if (readiness == null || !key.isValid()) {
            return; // a blocking wait only needs the count; a key cancelled earlier in this batch is stale
        }
        if (key.attachment() instanceof NioConnections.Connection connection) {
            int ready = key.readyOps() & (READ | WRITE);
            if (ready != 0) {
                readiness.onReady(connection.home, connection.id, ready);
            }
        } else {
            readiness.onAcceptable();
        }
    }

    @Override
    public int read(int home, int id, ByteBuffer dst, long dstAddress) {
        try {
            return family.connection(home, id).channel.read(dst); // -1 is END
        } catch (IOException e) {
            return FAILED; // reset by peer
        }
    }

    @Override
    public int write(int home, int id, ByteBuffer src, long srcAddress, boolean last) {
        try {
            return family.connection(home, id).channel.write(src);
        } catch (IOException e) {
            return FAILED;
        }
    }

    @Override
    public boolean watch(int home, int id, int interest) {
        NioConnections.Connection connection = family.connection(home, id);
        SelectionKey key = kept(connection);
        if (key == null && (key = register(connection)) == null) {
            return false;
        }
        key.interestOps(interest);
        return true;
    }

    @Override
    public void unwatch(int home, int id) {
        SelectionKey key = kept(family.connection(home, id));
        if (key != null) { // never registered here: nothing to stop
            key.interestOps(0);
        }
    }

    /** The key kept in this poller's role (home, worker loop, blocking), if it is with this selector. */
    private SelectionKey kept(NioConnections.Connection connection) {
        SelectionKey key = readiness == null ? connection.blockingKey
                : family.homePoller(connection.home) == this ? connection.homeKey : connection.awayKey;
        return key != null && key.selector() == selector ? key : null;
    }

    /** Registers with this selector, in place of the key kept in its role; null if the channel cannot. */
    private SelectionKey register(NioConnections.Connection connection) {
        SelectionKey key;
        try {
            key = connection.channel.register(selector, 0, connection);
        } catch (IOException | RuntimeException e) {
            return null;
        }
        if (readiness == null) {
            cancel(connection.blockingKey); // it went to another worker this time
            connection.blockingKey = key;
        } else if (family.homePoller(connection.home) == this) {
            connection.homeKey = key;
        } else {
            cancel(connection.awayKey);
            connection.awayKey = key;
        }
        return key;
    }

    private static void cancel(SelectionKey key) {
        if (key != null) {
            key.cancel();
        }
    }

    @Override
    public void close(int home, int id, boolean reset) {
        NioConnections.Connection connection = family.connection(home, id);
        if (reset) {
            try {
                connection.channel.setOption(StandardSocketOptions.SO_LINGER, 0);
            } catch (IOException e) {
                // a socket already reset refuses it on some systems: it closes all the same
            }
        }
        try {
            connection.channel.close(); // cancels every key it has, on every selector
        } catch (IOException e) {
            // already gone
        }
        connection.channel = null;
        connection.homeKey = null;
        connection.awayKey = null;
        connection.blockingKey = null;
    }

    @Override
    public boolean isOpen(int home, int id) {
        NioConnections.Connection connection = family.connection(home, id);
        return connection.channel != null && connection.channel.isOpen();
    }

    @Override
    public void wakeup() {
        selector.wakeup();
    }

    /** Deregisters the keys of channels closed since: NIO releases their sockets only then. */
    @Override
    public void tidy() {
        if (readiness == null) {
            poll(0);
        }
    }

    @Override
    public void close() {
        if (selector == null) {
            return;
        }
        try {
            selector.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
