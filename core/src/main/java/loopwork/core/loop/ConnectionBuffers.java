package loopwork.core.loop;

import java.nio.ByteBuffer;

import loopwork.core.memory.ReservedMemory;

/**
 * A loop's connection buffers: one {@link ReservedMemory} block for every connection it may hold, reserved
 * at start as address space (the hard limit on connections), carved into an input and an output buffer per
 * connection id. A buffer's pages become resident only once written, so only connections that came cost
 * memory.
 *
 * <p>Thread-safe: immutable once made; each call makes a new view. {@link #close()} must come after every
 * thread using the buffers has stopped.
 */
final class ConnectionBuffers implements AutoCloseable {

    private final ReservedMemory memory;
    /** The whole block as one buffer, when it is small enough to be one; else views are sliced from the segment. */
    private final ByteBuffer whole;
    private final long address;
    private final int inputBytes;
    private final int outputBytes;
    private final long stride;

    ConnectionBuffers(int capacity, int inputBytes, int outputBytes) {
        this.inputBytes = inputBytes;
        this.outputBytes = outputBytes;
        stride = (long) inputBytes + outputBytes;
        memory = ReservedMemory.reserve(capacity * stride);
        whole = memory.byteSize() <= Integer.MAX_VALUE ? memory.segment().asByteBuffer() : null;
        address = memory.segment().address();
    }

    /** A new view of connection {@code id}'s input buffer. */
    ByteBuffer input(int id) {
        return view(id * stride, inputBytes);
    }

    long inputAddress(int id) {
        return address + id * stride;
    }

    /** A new view of connection {@code id}'s output buffer. */
    ByteBuffer output(int id) {
        return view(id * stride + inputBytes, outputBytes);
    }

    long outputAddress(int id) {
        return address + id * stride + inputBytes;
    }

    private ByteBuffer view(long offset, int length) {
        return whole != null
                ? whole.slice((int) offset, length)
                : memory.segment().asSlice(offset, length).asByteBuffer();
    }

    /** Whether the memory is committed lazily (mmap), so reserved is not resident. */
    boolean isLazy() {
        return memory.isLazy();
    }

    @Override
    public void close() {
        memory.close();
    }
}
