package loopwork.bench;

import java.nio.ByteBuffer;

import loopwork.core.BlockingHandler;
import loopwork.core.Connection;
import loopwork.core.TaskPayload;

/**
 * A connection with no socket and no loop behind it, for benchmarks of a protocol's handler: it takes every
 * write whole and drops it, keeps the attachment, and refuses tasks, hand-offs and moves. Its clock stands
 * still, so timers are only recorded.
 *
 * <p>Not thread-safe: owned by the benchmark thread, which is its serving thread.
 */
final class StubConnection implements Connection {

    private Object attachment;
    private boolean open = true;

    @Override
    public int id() {
        return 0;
    }

    @Override
    public int loopIndex() {
        return 0;
    }

    @Override
    public boolean inServingThread() {
        return true;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public boolean inputEnded() {
        return false;
    }

    @Override
    public boolean isHome() {
        return true;
    }

    @Override
    public int unconsumedInput() {
        return 0;
    }

    @Override
    public boolean draining() {
        return false;
    }

    @Override
    public void attach(Object value) {
        attachment = value;
    }

    @Override
    public Object attachment() {
        return attachment;
    }

    @Override
    public boolean canWrite(int length) {
        return true;
    }

    @Override
    public boolean write(ByteBuffer src) {
        src.position(src.limit());
        return true;
    }

    @Override
    public boolean write(byte[] src, int offset, int length) {
        return true;
    }

    @Override
    public boolean write(ByteBuffer src, int offset, int length) {
        return true;
    }

    @Override
    public boolean send(ByteBuffer src, int offset, int length) {
        return true;
    }

    @Override
    public boolean handOff(BlockingHandler handler, long argument) {
        return false;
    }

    @Override
    public TaskPayload tryClaimTask(int taskType, int worker) {
        return null;
    }

    @Override
    public void awaitBytes(int bytes) {
    }

    @Override
    public boolean isSending() {
        return false;
    }

    @Override
    public TaskPayload tryClaimTask(int taskType) {
        return null;
    }

    @Override
    public void commitTask() {
        throw new IllegalStateException("no task claimed");
    }

    @Override
    public int tasksInFlight() {
        return 0;
    }

    @Override
    public boolean handOff(BlockingHandler handler) {
        return false;
    }

    @Override
    public boolean moveToWorker() {
        return false;
    }

    @Override
    public boolean moveHome() {
        return false;
    }

    @Override
    public void setTimer(long delayMs) {
    }

    @Override
    public long nowMs() {
        return 0;
    }

    @Override
    public void cancelTimer() {
    }

    @Override
    public void closeAfterWrite() {
        open = false;
    }

    @Override
    public void close() {
        open = false;
    }

    @Override
    public void reset() {
        open = false;
    }
}
