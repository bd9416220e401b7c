package loopwork.core.loop;

import loopwork.core.TaskPayload;
import loopwork.core.ring.SlotRing;

/**
 * What reaches a loop's connections from outside their sockets: a task done or taken back unrun, a timer, an
 * arrival (moved to this loop, or home), a hand-off taken back unstarted. Each becomes one handler call through
 * its {@link ConnectionDriver}, then the input kept meanwhile is shown again.
 *
 * <p>Not thread-safe: owned by its driver's loop.
 */
final class ConnectionEvents implements TaskOffload.Expired, TimerWheel.Expiry {

    private final ConnectionDriver driver;

    ConnectionEvents(ConnectionDriver driver) {
        this.driver = driver;
    }

    /** A completion of one of its tasks came back for {@code context}. */
    void onTaskDone(ConnectionContext context, SlotRing ring, long position) {
        assert driver.owner.isCurrent() : context.notOwner("onTaskDone");
        int taskType = ring.header(position, Messages.TASK_TYPE);
        TaskPayload result = driver.offload.completed(context, ring, position);
        if (settledClosed(context)) {
            return;
        }
        int event = result != null ? HandlerCall.TASK_DONE : HandlerCall.TASK_FAILED;
        if (driver.call(context, event, null, taskType, result)) {
            driver.deliverPending(context);
        }
    }

    /** A task of {@code context} waited for its worker past the queue timeout and was taken back unrun. */
    @Override
    public void taskExpired(ConnectionContext context) {
        if (!settledClosed(context) && driver.call(context, HandlerCall.QUEUE_TIMEOUT, null, 0, null)) {
            driver.deliverPending(context);
        }
    }

    /**
     * Whether the connection closed while a task was out: then the context is only to free, once its last
     * task is back.
     */
    private boolean settledClosed(ConnectionContext context) {
        if (context.state == ConnectionContext.OPEN) {
            return false;
        }
        if (context.state == ConnectionContext.AWAITING_TASKS && context.tasksInFlight == 0) {
            driver.closer.released(context);
        }
        return true;
    }

    @Override
    public void onTimer(ConnectionContext context) {
        if (context.state == ConnectionContext.OPEN && driver.call(context, HandlerCall.TIMER, null, 0, null)) {
            driver.deliverPending(context); // a route that answered from its timer may have held pipelined input back
        }
    }

    /** The connection arrived (moved to this worker's loop, or back home): this loop serves it from now on. */
    void arrive(ConnectionContext context) {
        assert driver.owner.isCurrent() && context.servedBy == null : context.notOwner("arrive");
        context.away = context.homeOwner != driver.owner; // a move to a worker stays away; a return is home again
        serveArrived(context, HandlerCall.ARRIVED);
    }

    /** At home: the hand-off waited past the queue timeout, taken back unstarted: {@code onQueueTimeout}. */
    @Override
    public void handOffExpired(ConnectionContext context) {
        assert driver.owner.isCurrent() && context.servedBy == null : context.notOwner("handOffExpired");
        context.away = false;
        context.blockingHandler = null;
        driver.trips.cameBack();
        serveArrived(context, HandlerCall.QUEUE_TIMEOUT);
    }

    private void serveArrived(ConnectionContext context, int event) {
        context.servedBy = driver.actions;
        context.interestOps = -1; // whatever it had, updateInterest sets it
        if (driver.call(context, event, null, 0, null) && driver.deliverPending(context) && driver.actions.draining) {
            drain(context); // it was away when the drain began
        }
    }

    /** The kit drains: the handler is told ({@link loopwork.core.ConnectionHandler#onDrain}), once a connection. */
    void drain(ConnectionContext context) {
        driver.call(context, HandlerCall.DRAIN, null, 0, null);
    }
}
