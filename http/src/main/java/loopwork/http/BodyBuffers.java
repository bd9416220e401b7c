package loopwork.http;

import java.nio.ByteBuffer;

/**
 * One loop's body buffers, in two size classes: small ones of a request head plus {@link #SMALL_BODY_BYTES} (the
 * common body) and large ones of a head plus the largest body allowed. A request whose whole body does not fit
 * the connection's input claims one of the smallest class that holds it (or an answer that does not fit the
 * output now, for a copy of its head), and gives it back once its answer is sent. A class with no buffers is
 * skipped; one whose buffers are all out refuses (the request gets 503 with {@code Retry-After}): the large
 * buffers stay for the large bodies, whatever the small ones do. They bound what whole bodies cost per loop:
 * {@code small x (64 KiB + head) + large x (max body + head)}, each buffer allocated the first time it is
 * claimed (a loop that never gathers a body costs nothing) and kept. Slots {@code 0..small-1} are the small
 * class, the rest the large one; a flat array and a free stack per class, as the kit's pools.
 *
 * <p>Not thread-safe: owned by its handler's loop (asserted).
 */
final class BodyBuffers {

    /** The body a small buffer holds after its head: 64 KiB, or the largest body when that is less. */
    static final int SMALL_BODY_BYTES = 65_536;

    private final ByteBuffer[] buffers;
    private final int small;
    private final int smallBytes;
    private final int largeBytes;
    private final int[] freeSmall;
    private final int[] freeLarge;
    private int freeSmallCount;
    private int freeLargeCount;
    private Thread owner;

    /**
     * @param headBytes the input's size, which a copied head may take
     * @param maxBody   the largest body
     */
    BodyBuffers(int small, int large, int headBytes, long maxBody) {
        buffers = new ByteBuffer[small + large];
        this.small = small;
        smallBytes = (int) Math.min(SMALL_BODY_BYTES, maxBody) + headBytes;
        largeBytes = (int) maxBody + headBytes;
        freeSmall = new int[small];
        freeLarge = new int[large];
        for (int i = 0; i < small; i++) {
            freeSmall[i] = small - 1 - i;
        }
        for (int i = 0; i < large; i++) {
            freeLarge[i] = small + large - 1 - i;
        }
        freeSmallCount = small;
        freeLargeCount = large;
    }

    /** A free buffer's slot of the smallest class that holds {@code bytes}, or -1 when that class has none free. */
    int claim(long bytes) {
        assert owned();
        int slot;
        if (bytes <= smallBytes && freeSmall.length > 0) {
            if (freeSmallCount == 0) {
                return -1;
            }
            slot = freeSmall[--freeSmallCount];
        } else if (bytes <= largeBytes && freeLarge.length > 0) {
            if (freeLargeCount == 0) {
                return -1;
            }
            slot = freeLarge[--freeLargeCount];
        } else {
            return -1;
        }
        if (buffers[slot] == null) {
            buffers[slot] = ByteBuffer.allocateDirect(slot < small ? smallBytes : largeBytes); // once, at first use
        }
        return slot;
    }

    /**
     * A large buffer with the first {@code used} bytes of small buffer {@code slot} copied in, the small one given
     * back: a chunked body that outgrew it. -1 when no large buffer is free (the small one is kept then).
     */
    int grow(int slot, int used) {
        assert slot < small : "body buffer " + slot + " is large already";
        assert owned();
        if (freeLargeCount == 0) {
            return -1;
        }
        int to = freeLarge[--freeLargeCount];
        if (buffers[to] == null) {
            buffers[to] = ByteBuffer.allocateDirect(largeBytes);
        }
        buffers[to].put(0, buffers[slot], 0, used);
        release(slot);
        return to;
    }

    ByteBuffer buffer(int slot) {
        return buffers[slot];
    }

    /** How many bytes buffer {@code slot} holds. */
    int bytes(int slot) {
        return slot < small ? smallBytes : largeBytes;
    }

    void release(int slot) {
        assert owned();
        if (slot < small) {
            assert freeSmallCount < freeSmall.length : "body buffer " + slot + " released twice";
            freeSmall[freeSmallCount++] = slot;
        } else {
            assert freeLargeCount < freeLarge.length : "body buffer " + slot + " released twice";
            freeLarge[freeLargeCount++] = slot;
        }
    }

    int capacity() {
        return buffers.length;
    }

    /** Free buffers of both classes; any thread may read it (a test's check that every one came back). */
    int free() {
        return freeSmallCount + freeLargeCount;
    }

    /** Free large buffers (a test's check of which class a body took). */
    int freeLarge() {
        return freeLargeCount;
    }

    private boolean owned() {
        if (owner == null) {
            owner = Thread.currentThread();
        }
        return owner == Thread.currentThread() || !owner.isAlive();
    }
}
