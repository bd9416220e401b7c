package loopwork.core.loop;

import java.nio.ByteBuffer;

import loopwork.core.BlockingHandler;
import loopwork.core.TaskPayload;

/**
 * A loop's side of its connections' handler actions: writes go through its driver's output, tasks through its
 * offload, trips through its trips, timers on its wheel, closes through its closer. A connection that is closing
 * or leaving takes no more output or tasks.
 *
 * <p>Not thread-safe: owned by its driver's loop.
 */
final class ServingActions implements ConnectionActions {

    private final ConnectionDriver driver;
    /** The loop drains: set once, on its thread, as it begins to. */
    boolean draining;

    ServingActions(ConnectionDriver driver) {
        this.driver = driver;
    }

    @Override
    public boolean inOwnerThread() {
        return driver.owner.isCurrent();
    }

    /** Whether the handler may write now: open, served here, neither closing nor leaving. */
    private boolean writable(ConnectionContext context) {
        return context.isServedBy(this) && !context.closeAfterWrite && !context.isLeaving();
    }

    @Override
    public boolean canWrite(ConnectionContext context, int length) {
        return writable(context) && driver.output.reserve(context, length);
    }

    @Override
    public boolean write(ConnectionContext context, ByteBuffer src) {
        return writable(context) && driver.output.write(context, src);
    }

    @Override
    public boolean write(ConnectionContext context, byte[] src, int offset, int length) {
        return writable(context) && driver.output.write(context, src, offset, length);
    }

    @Override
    public boolean write(ConnectionContext context, ByteBuffer src, int offset, int length) {
        return writable(context) && driver.output.write(context, src, offset, length);
    }

    @Override
    public boolean send(ConnectionContext context, ByteBuffer src, int offset, int length) {
        return writable(context) && driver.output.send(context, src, offset, length);
    }

    @Override
    public TaskPayload tryClaimTask(ConnectionContext context, int taskType, int worker) {
        return context.isServedBy(this) && !context.isLeaving() ? driver.offload.tryClaim(context, taskType, worker)
                : null;
    }

    @Override
    public void commitTask(ConnectionContext context) {
        driver.offload.commit(context);
    }

    @Override
    public boolean handOff(ConnectionContext context, BlockingHandler handler) {
        return driver.trips.handOff(context, handler);
    }

    @Override
    public boolean moveToWorker(ConnectionContext context) {
        return driver.trips.moveToWorker(context);
    }

    @Override
    public boolean moveHome(ConnectionContext context) {
        return driver.trips.moveHome(context);
    }

    @Override
    public void setTimer(ConnectionContext context, long delayMs) {
        driver.timers.schedule(context, driver.clock.cycleMs() + Math.max(0, delayMs));
    }

    @Override
    public void cancelTimer(ConnectionContext context) {
        driver.timers.cancel(context);
    }

    @Override
    public long nowMs() {
        return driver.clock.cycleMs();
    }

    @Override
    public boolean draining() {
        return draining;
    }

    @Override
    public long nowNs() {
        return driver.clock.cycleNs();
    }

    @Override
    public void close(ConnectionContext context) {
        driver.closer.close(context);
    }
}
