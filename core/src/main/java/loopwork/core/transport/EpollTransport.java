package loopwork.core.transport;

import java.io.IOException;
import java.util.Arrays;

import loopwork.core.epoll.Errno;

/**
 * The Linux epoll transport of one kit: its pollers, numbered so that a connection's off-heap state can
 * name the one watching it, and each accept loop's {@link EpollConnections}.
 *
 * <p>Not thread-safe: filled by the thread building the kit, before any thread starts (which orders it
 * before every read); closed after every thread ended.
 */
final class EpollTransport extends TransportFamily {

    private EpollPoller[] pollers = new EpollPoller[0];
    private EpollConnections[] homes = new EpollConnections[0];

    EpollTransport() {
        // The failure paths name errors from Errno's table. Out of descriptors, the class could not be loaded
        // then from a directory of classes (a jar stays open): the loop that meets EMFILE would fail. Load it now.
        Errno.describe(Errno.EMFILE);
    }

    @Override
    public Poller newPoller(Readiness readiness) throws IOException {
        return add(new EpollPoller(this, pollers.length + 1, readiness));
    }

    @Override
    public Poller newBlockingPoller() throws IOException {
        return add(new EpollPoller(this, pollers.length + 1, null));
    }

    /** Not numbered: it never watches a connection, so no connection's state names it. */
    @Override
    public Poller newIoPoller() {
        return new EpollPoller(this);
    }

    private EpollPoller add(EpollPoller poller) {
        pollers = Arrays.copyOf(pollers, poller.number);
        pollers[poller.number - 1] = poller;
        return poller;
    }

    /** Made by accept loop {@code home}'s poller, with its listener. */
    EpollConnections addHome(int home, int capacity) {
        if (home < 0 || home >= EpollPoller.MAX_HOMES) {
            throw new IllegalArgumentException("the epoll transport serves at most " + EpollPoller.MAX_HOMES
                    + " accept loops, not loop " + home);
        }
        if (home >= homes.length) {
            homes = Arrays.copyOf(homes, home + 1);
        }
        if (homes[home] != null) {
            throw new IllegalStateException("accept loop " + home + " has its connections already");
        }
        homes[home] = new EpollConnections(capacity);
        return homes[home];
    }

    EpollConnections connections(int home) {
        return homes[home];
    }

    /** The poller numbered {@code number} (1 and up). */
    EpollPoller poller(int number) {
        return pollers[number - 1];
    }

    @Override
    public void close() {
        for (int i = 0; i < homes.length; i++) {
            if (homes[i] != null) {
                homes[i].close();
                homes[i] = null;
            }
        }
    }
}
