package loopwork.core;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Listening sockets a kit serves instead of binding its own: those systemd passed by socket activation
 * ({@link #fromSystemd}), or those taken over from a running server ({@link TakeOver}). A kit given them
 * ({@link KitBuilder#inheritListeners}) owns them from {@link Kit#start()} on: each accept loop serves one of
 * them, a duplicate descriptor when there are more loops than sockets (all loops then watch the socket, and
 * the kernel wakes one per connection), and the kit has at least as many loops as sockets, so none is left
 * unserved with connections waiting in its queue. The epoll transport only: Java NIO cannot wrap a
 * descriptor.
 *
 * <p>Thread-safe: immutable.
 */
public final class InheritedListeners {

    /** The most sockets a kit serves: one per accept loop, of which it has at most 1024. */
    public static final int MAX_SOCKETS = 1024;
    /** systemd's first passed descriptor ({@code SD_LISTEN_FDS_START}). */
    static final int SYSTEMD_FIRST_FD = 3;
    private static final InheritedListeners NONE = new InheritedListeners("none", new int[0], List.of());

    private final String origin;
    private final int[] fds;
    private final List<String> names;

    private InheritedListeners(String origin, int[] fds, List<String> names) {
        this.origin = origin;
        this.fds = fds;
        this.names = names;
    }

    /** {@return no sockets: a kit given these binds its own, as when it is given none} */
    public static InheritedListeners none() {
        return NONE;
    }

    /**
     * {@return descriptors {@code fds}, owned by whichever kit is given them from its start on}
     *
     * @param origin where they came from, for logs and errors ("take-over from /run/app/control.sock")
     * @param fds    open descriptors of listening TCP sockets, at most {@link #MAX_SOCKETS}; copied, not checked
     */
    public static InheritedListeners of(String origin, int... fds) {
        return new InheritedListeners(origin, fds.clone(), List.of());
    }

    /** {@return {@link #fromSystemd(Map, long)} on this process's environment and pid} */
    public static InheritedListeners fromSystemd() {
        return fromSystemd(System.getenv(), ProcessHandle.current().pid());
    }

    /**
     * The sockets systemd passed ({@code sd_listen_fds(3)}): {@code LISTEN_FDS} of them from descriptor 3 on,
     * when {@code LISTEN_PID} is {@code pid}; none when the variables are absent or name another process (a
     * parent that did not clear them). {@code LISTEN_FDNAMES}, when set, names them (the socket unit's
     * {@code FileDescriptorName=}); a list of another length than the count is ignored.
     *
     * @param environment the process's environment, as {@link System#getenv()} gives it
     * @param pid         this process's id, which {@code LISTEN_PID} must name
     * @return the sockets passed, or {@link #none()}
     * @throws IllegalArgumentException if {@code LISTEN_PID} or {@code LISTEN_FDS} is not a number, or the count
     *                                  is outside 0 to {@link #MAX_SOCKETS}
     */
    public static InheritedListeners fromSystemd(Map<String, String> environment, long pid) {
        String listenPid = environment.get("LISTEN_PID");
        String listenFds = environment.get("LISTEN_FDS");
        if (listenPid == null || listenFds == null) {
            return NONE;
        }
        try {
            if (Long.parseLong(listenPid.trim()) != pid) {
                return NONE;
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("LISTEN_PID is not a process id: '" + listenPid + "'");
        }
        int count;
        try {
            count = Integer.parseInt(listenFds.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("LISTEN_FDS is not a count: '" + listenFds + "'");
        }
        if (count < 0 || count > MAX_SOCKETS) {
            throw new IllegalArgumentException("LISTEN_FDS must be in 0.." + MAX_SOCKETS
                    + ", not " + count);
        }
        int[] fds = new int[count];
        Arrays.setAll(fds, i -> SYSTEMD_FIRST_FD + i);
        String names = environment.get("LISTEN_FDNAMES");
        List<String> named = names == null ? List.of() : List.of(names.split(":", -1));
        return new InheritedListeners("systemd socket activation", fds, named.size() == count ? named : List.of());
    }

    /** {@return how many sockets there are, 0 to {@link #MAX_SOCKETS}} */
    public int count() {
        return fds.length;
    }

    /** {@return whether there are none, so that a kit binds its own listener} */
    public boolean isEmpty() {
        return fds.length == 0;
    }

    /**
     * {@return the {@code i}-th socket's descriptor}
     *
     * @param i 0 to {@link #count()} - 1
     */
    public int fd(int i) {
        return fds[i];
    }

    /** {@return where they came from, for logs: "systemd socket activation", "take-over from ...", "none"} */
    public String origin() {
        return origin;
    }

    /** {@return systemd's names for them, in order, or an empty list when it gave none; immutable} */
    public List<String> names() {
        return names;
    }

    /**
     * Closes them: for sockets that no kit will serve (a taken-over admin listener the successor does not want),
     * whose queues would otherwise fill with connections nobody accepts. Epoll only, as the sockets are.
     */
    public void close() {
        loopwork.core.epoll.UnixSockets closer = new loopwork.core.epoll.UnixSockets();
        for (int fd : fds) {
            closer.close(fd);
        }
    }

    @Override
    public String toString() {
        return origin + " " + Arrays.toString(fds) + (names.isEmpty() ? "" : " " + names);
    }
}
