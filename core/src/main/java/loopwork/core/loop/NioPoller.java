package loopwork.core.loop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.function.Consumer;

/**
 * A poller over a Java NIO {@link Selector}. A key's attachment is its context, or null for the listener;
 * {@code OP_READ} and {@code OP_WRITE} are {@link Poller#READ} and {@link Poller#WRITE}.
 *
 * <p>Not thread-safe: owned by its thread, except {@link #wakeup()}.
 */
final class NioPoller extends Poller {

    final Selector selector;
    private final Consumer<SelectionKey> onSelected = this::onSelected;
    /** Whether this poll has read the loop's clock yet: once, as its wait ends. */
    private boolean clockRead;

    NioPoller(EventLoop loop) throws IOException {
        super(loop);
        selector = Selector.open();
    }

    @Override
    int poll(long timeoutMs) {
        clockRead = false;
        int ready;
        try {
            ready = timeoutMs <= 0 ? selector.selectNow(onSelected) : selector.select(onSelected, timeoutMs);
        } catch (IOException e) {
            throw new UncheckedIOException("selector failed", e);
        }
        if (!clockRead && loop != null) {
            loop.readClock();
        }
        return ready;
    }

    private void onSelected(SelectionKey key) {
        if (loop == null || !key.isValid()) {
            return; // a blocking wait only needs the count; a key cancelled earlier in this batch is stale
        }
        if (!clockRead) { // the wait is over: read the clock before the first event, as the epoll poller does
            clockRead = true;
            loop.readClock();
        }
        if (key.attachment() instanceof ConnectionContext context) {
            loop.onReady(context, key.readyOps() & (READ | WRITE));
        } else {
            loop.onAcceptable();
        }
    }

    @Override
    void wakeup() {
        selector.wakeup();
    }

    /** Deregisters the keys of channels closed since: NIO releases their sockets only then. */
    @Override
    void tidy() {
        if (loop == null) {
            poll(0);
        }
    }

    @Override
    void close() {
        try {
            selector.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
