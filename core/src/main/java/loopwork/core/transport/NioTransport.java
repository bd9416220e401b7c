package loopwork.core.transport;

import java.io.IOException;
import java.util.Arrays;

/**
 * The Java NIO transport of one kit: its pollers and each accept loop's {@link NioConnections}.
 *
 * <p>Not thread-safe: filled by the thread building the kit, before any thread starts (which orders it
 * before every read).
 */
final class NioTransport extends TransportFamily {

    private NioConnections[] homes = new NioConnections[0];

    @Override
    public Poller newPoller(Readiness readiness) throws IOException {
        return new NioPoller(this, readiness);
    }

    @Override
    public Poller newBlockingPoller() throws IOException {
        return new NioPoller(this, null);
    }

    @Override
    public Poller newIoPoller() {
        return new NioPoller(this);
    }

    /** Made by accept loop {@code home}'s poller, with its listener. */
    NioConnections addHome(int home, int capacity, NioPoller poller) {
        if (home >= homes.length) {
            homes = Arrays.copyOf(homes, home + 1);
        }
        if (homes[home] != null) {
            throw new IllegalStateException("accept loop " + home + " has its connections already");
        }
        homes[home] = new NioConnections(home, capacity, poller);
        return homes[home];
    }

    NioConnections.Connection connection(int home, int id) {
        return homes[home].connection(id);
    }

    NioPoller homePoller(int home) {
        return homes[home].homePoller;
    }

    /** Nothing to free: the connections' objects go with the kit. */
    @Override
    public void close() {
    }
}
