package loopwork.core.loop;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

import loopwork.core.Connection;
import loopwork.core.TaskPayload;

/**
 * One context of a loop's pool and the I/O of the connection it holds: reads into the loop's scratch or
 * its own input buffer, hands bytes to the handler, gathers answers and writes them, and closes exactly
 * once. Its buffers are preallocated views of the pool's memory.
 *
 * <p>Not thread-safe: owned by its event loop.
 */
final class ConnectionContext implements Connection {

    static final int FREE = 0;
    static final int OPEN = 1;
    /** Closed while tasks were in flight: back to the pool when the last one completes. */
    static final int AWAITING_TASKS = 2;

    private final int id;
    private final ByteBuffer in;
    private final ByteBuffer out;
    private final LoopResources loop;

    int state = FREE;
    SocketChannel channel;
    SelectionKey key;
    int tasksInFlight;
    /** Unconsumed input kept in {@link #in}, from 0. */
    private int inPending;
    /** Output the socket has not taken yet, kept in {@link #out} from 0. */
    private int outPending;
    private boolean closeAfterWrite;
    /** A write was refused; tell the handler when output drains. */
    private boolean writeBlocked;
    private int interestOps;

    ConnectionContext(int id, ByteBuffer in, ByteBuffer out, LoopResources loop) {
        this.id = id;
        this.in = in;
        this.out = out;
        this.loop = loop;
    }

    void open(SocketChannel channel, SelectionKey key) {
        assert state == FREE : "context " + id + " taken while in use";
        this.state = OPEN;
        this.channel = channel;
        this.key = key;
        this.interestOps = SelectionKey.OP_READ;
    }

    @Override
    public int id() {
        return id;
    }

    @Override
    public int loopIndex() {
        return loop.index;
    }

    @Override
    public boolean isOpen() {
        return state == OPEN;
    }

    @Override
    public int tasksInFlight() {
        return tasksInFlight;
    }

    // ---- input

    void onReadable() {
        ByteBuffer target;
        if (inPending == 0) {
            target = loop.scratchIn;
            target.clear();
        } else {
            target = in;
            target.limit(target.capacity()).position(inPending);
        }
        int read;
        try {
            read = channel.read(target);
        } catch (IOException e) {
            close(); // reset by peer
            return;
        }
        if (read < 0) {
            close(); // the peer closed; everything it sent before has been answered
            return;
        }
        if (read > 0) {
            target.flip();
            deliver(target);
        }
    }

    /** Shows input kept from earlier to the handler again (after a task completed or output drained). */
    void deliverPending() {
        if (state == OPEN && inPending > 0 && !closeAfterWrite) {
            in.limit(inPending).position(0);
            deliver(in);
        }
    }

    private void deliver(ByteBuffer data) {
        beginCall();
        try {
            loop.handler.onData(this, data);
        } catch (RuntimeException | AssertionError | StackOverflowError e) {
            loop.handlerFailed(this, e);
        }
        if (state == OPEN) {
            keepUnconsumed(data);
        }
        endCall();
    }

    private void keepUnconsumed(ByteBuffer data) {
        int left = closeAfterWrite ? 0 : data.remaining();
        if (left == 0) {
            inPending = 0;
        } else if (data != in) {
            in.clear();
            in.put(data);
            inPending = left;
        } else if (data.position() > 0) {
            in.compact();
            inPending = left;
        } else {
            inPending = left;
        }
    }

    // ---- output

    @Override
    public boolean canWrite(int length) {
        return reserve(length);
    }

    @Override
    public boolean write(ByteBuffer src) {
        int length = src.remaining();
        if (!reserve(length)) {
            return false;
        }
        target().put(src);
        afterPut(length);
        return true;
    }

    @Override
    public boolean write(byte[] src, int offset, int length) {
        if (!reserve(length)) {
            return false;
        }
        target().put(src, offset, length);
        afterPut(length);
        return true;
    }

    /** True when {@code length} bytes can be queued now; may write to the socket to make room. */
    private boolean reserve(int length) {
        if (state != OPEN || closeAfterWrite || length > loop.outputCapacity) {
            return false;
        }
        if (usesScratch()) {
            if (loop.scratchOut.position() + length <= loop.outputCapacity) {
                return true;
            }
            flushScratch();
            if (state != OPEN) {
                return false;
            }
            if (usesScratch()) {
                return true; // the socket took all of it
            }
        }
        if (loop.outputCapacity - outPending < length) {
            flushOwn();
            if (state != OPEN) {
                return false;
            }
        }
        if (loop.outputCapacity - outPending < length) {
            writeBlocked = true;
            return false;
        }
        return true;
    }

    /** Output goes to the loop's scratch while this connection's handler runs and nothing waits before it. */
    private boolean usesScratch() {
        return loop.scratchOwner == this && outPending == 0;
    }

    private ByteBuffer target() {
        if (usesScratch()) {
            return loop.scratchOut;
        }
        out.limit(out.capacity()).position(outPending);
        return out;
    }

    private void afterPut(int length) {
        if (!usesScratch()) {
            outPending += length;
        }
    }

    /** Writes what the handler gathered in scratch; the remainder moves to this context's own buffer. */
    private void flushScratch() {
        ByteBuffer scratch = loop.scratchOut;
        if (scratch.position() == 0) {
            return;
        }
        scratch.flip();
        try {
            channel.write(scratch);
        } catch (IOException e) {
            scratch.clear();
            close();
            return;
        }
        if (scratch.hasRemaining()) {
            out.clear();
            out.put(scratch);
            outPending = out.position();
        }
        scratch.clear();
    }

    /** Writes this context's own pending output; true when all of it is gone. */
    private boolean flushOwn() {
        if (outPending == 0) {
            return true;
        }
        out.limit(outPending).position(0);
        try {
            channel.write(out);
        } catch (IOException e) {
            close();
            return false;
        }
        out.compact();
        outPending = out.position();
        return outPending == 0;
    }

    /** The socket can take more: send what waits, then let the handler go on. */
    void onWritable() {
        if (!flushOwn() || state != OPEN) {
            updateInterest();
            return;
        }
        if (closeAfterWrite) {
            close();
            return;
        }
        if (writeBlocked) {
            writeBlocked = false;
            beginCall();
            try {
                loop.handler.onWritable(this);
            } catch (RuntimeException | AssertionError | StackOverflowError e) {
                loop.handlerFailed(this, e);
            }
            endCall();
            deliverPending();
        }
        if (state == OPEN) {
            updateInterest();
        }
    }

    /** Before any handler call: this connection owns the loop's output scratch. */
    void beginCall() {
        loop.scratchOut.clear();
        loop.scratchOwner = this;
    }

    /** After a handler call: send what it wrote, close if it asked to, and set what the selector watches. */
    void endCall() {
        if (state == OPEN) {
            flushScratch();
        }
        loop.scratchOwner = null;
        loop.scratchOut.clear();
        if (state != OPEN) {
            return;
        }
        if (closeAfterWrite && outPending == 0) {
            close();
            return;
        }
        updateInterest();
    }

    private void updateInterest() {
        boolean reading = !closeAfterWrite && !writeBlocked && inPending < in.capacity();
        int wanted = (reading ? SelectionKey.OP_READ : 0) | (outPending > 0 ? SelectionKey.OP_WRITE : 0);
        if (wanted != interestOps) {
            interestOps = wanted;
            key.interestOps(wanted);
        }
    }

    // ---- tasks

    @Override
    public TaskPayload tryClaimTask(int taskType) {
        return state == OPEN ? loop.offload.tryClaim(this, taskType) : null;
    }

    @Override
    public void commitTask() {
        loop.offload.commit(this);
    }

    // ---- close

    @Override
    public void closeAfterWrite() {
        if (state == OPEN) {
            closeAfterWrite = true;
        }
    }

    @Override
    public void close() {
        if (state != OPEN) {
            return;
        }
        state = tasksInFlight > 0 ? AWAITING_TASKS : FREE;
        key.cancel();
        try {
            channel.close();
        } catch (IOException e) {
            // already gone: nothing more to release
        }
        channel = null;
        key = null;
        inPending = 0;
        outPending = 0;
        closeAfterWrite = false;
        writeBlocked = false;
        if (loop.scratchOwner == this) {
            loop.scratchOut.clear();
        }
        loop.stats.open.add(-1);
        loop.stats.closed.increment();
        try {
            loop.handler.onClose(this);
        } catch (RuntimeException | AssertionError | StackOverflowError e) {
            loop.stats.handlerErrors.increment();
        }
        if (state == FREE) {
            loop.pool.release(this);
        }
    }

    /** A task of this connection completed: true when the context went back to the pool with it. */
    boolean taskCompleted() {
        tasksInFlight--;
        if (state == AWAITING_TASKS && tasksInFlight == 0) {
            state = FREE;
            loop.pool.release(this);
            return true;
        }
        return false;
    }
}
