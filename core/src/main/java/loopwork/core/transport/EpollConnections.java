package loopwork.core.transport;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import loopwork.core.memory.ReservedMemory;

/**
 * The epoll state of one accept loop's connections, off the Java heap: 16 bytes per connection in memory
 * reserved once for the whole pool and committed by the kernel page by page as connections first use it,
 * so that it follows use, not capacity. Per connection: its file descriptor, its generation (counts the
 * connections its pool index has held, so an event for an earlier one is recognised), the number of the
 * poller watching it (0 for none), what that poller watches it for, and flags.
 *
 * <p>Not thread-safe: each connection's entry is owned by the thread serving that connection, as the loop
 * decides (ownership passes through a mailbox message, which orders what was written before). The home
 * loop's poller reads a generation and an interest as events arrive, racing with nothing that matters: a
 * stale event is dropped by the generation, or by the loop, which checks that it still serves the connection.
 */
final class EpollConnections implements AutoCloseable {

    static final int GENERATION_MASK = 0xFFFFF;
    /** A file descriptor is held. */
    static final int OPEN = 1;
    /** Epoll reported the peer's end (or an error): a read that got bytes may not be the last one. */
    static final int PEER_CLOSING = 2;
    /** The last write held its tail back for the close (MSG_MORE). */
    static final int TAIL_HELD = 4;

    private static final long STRIDE = 16;
    private static final long FD = 0;
    private static final long GENERATION = 4;
    private static final long WATCHER = 8;
    private static final long INTEREST = 12;
    private static final long FLAGS = 13;

    private final ReservedMemory memory;
    private final MemorySegment state;

    EpollConnections(int capacity) {
        memory = ReservedMemory.reserve(capacity * STRIDE);
        state = memory.segment();
    }

    /** A new connection, {@code fd}, at pool index {@code id}: open, in a new generation, watched by none. */
    void open(int id, int fd) {
        long at = id * STRIDE;
        state.set(ValueLayout.JAVA_INT, at + FD, fd);
        state.set(ValueLayout.JAVA_INT, at + GENERATION, (generation(id) + 1) & GENERATION_MASK);
        state.set(ValueLayout.JAVA_INT, at + WATCHER, 0);
        state.set(ValueLayout.JAVA_BYTE, at + INTEREST, (byte) 0);
        state.set(ValueLayout.JAVA_BYTE, at + FLAGS, (byte) OPEN);
    }

    /** Its connection closed: no descriptor, no watcher, no flags; the generation stays for the next. */
    void closed(int id) {
        long at = id * STRIDE;
        state.set(ValueLayout.JAVA_INT, at + WATCHER, 0);
        state.set(ValueLayout.JAVA_BYTE, at + INTEREST, (byte) 0);
        state.set(ValueLayout.JAVA_BYTE, at + FLAGS, (byte) 0);
    }

    int fd(int id) {
        return state.get(ValueLayout.JAVA_INT, id * STRIDE + FD);
    }

    int generation(int id) {
        return state.get(ValueLayout.JAVA_INT, id * STRIDE + GENERATION);
    }

    /** The number of the poller watching it, 0 for none. */
    int watcher(int id) {
        return state.get(ValueLayout.JAVA_INT, id * STRIDE + WATCHER);
    }

    /** What its watcher watches it for ({@link Poller#READ} | {@link Poller#WRITE}); 0 when none does. */
    int interest(int id) {
        return state.get(ValueLayout.JAVA_BYTE, id * STRIDE + INTEREST);
    }

    void watched(int id, int watcher, int interest) {
        long at = id * STRIDE;
        state.set(ValueLayout.JAVA_INT, at + WATCHER, watcher);
        state.set(ValueLayout.JAVA_BYTE, at + INTEREST, (byte) interest);
    }

    boolean is(int id, int flag) {
        return (state.get(ValueLayout.JAVA_BYTE, id * STRIDE + FLAGS) & flag) != 0;
    }

    void flag(int id, int flag, boolean on) {
        long at = id * STRIDE + FLAGS;
        byte flags = state.get(ValueLayout.JAVA_BYTE, at);
        byte updated = (byte) (on ? flags | flag : flags & ~flag);
        if (updated != flags) {
            state.set(ValueLayout.JAVA_BYTE, at, updated);
        }
    }

    @Override
    public void close() {
        memory.close();
    }
}
