package loopwork.core.loop;

import java.nio.ByteBuffer;

import loopwork.core.ConnectionHandler;
import loopwork.core.TaskPayload;

/**
 * The one place a handler's callbacks are called: which callback an event is, and what a failure of protocol
 * code is (caught here, so that no handler can stop a loop). What surrounds a call (the output it gathers, what
 * happens to the connection after) is its {@link ConnectionDriver}'s.
 *
 * <p>Thread-safe: stateless.
 */
final class HandlerCall {

    static final int OPEN = 0;
    static final int DATA = 1;
    static final int WRITABLE = 2;
    static final int INPUT_ENDED = 3;
    static final int INPUT_FULL = 4;
    static final int TASK_DONE = 5;
    static final int TASK_FAILED = 6;
    static final int QUEUE_TIMEOUT = 7;
    static final int TIMER = 8;
    static final int ARRIVED = 9;
    static final int CLOSE = 10;
    static final int FAILURE = 11;
    static final int SENT = 12;
    static final int DRAIN = 13;

    private static final String[] NAMES = {"onOpen", "onData", "onWritable", "onInputEnded", "onInputFull",
        "onTaskDone", "onTaskFailed", "onQueueTimeout", "onTimer", "onArrived", "onClose", "onFailure",
        "onSent", "onDrain"};

    private HandlerCall() {
    }

    static String name(int event) {
        return NAMES[event];
    }

    /**
     * Calls {@code handler}'s callback for {@code event} on {@code context}, with {@code data} for
     * {@link #DATA}, {@code taskType} and {@code result} for {@link #TASK_DONE} and {@link #TASK_FAILED},
     * {@code failure} for {@link #FAILURE}. Returns what it threw, or null.
     */
    static Throwable invoke(ConnectionHandler handler, ConnectionContext context, int event, ByteBuffer data,
            int taskType, TaskPayload result, Throwable failure) {
        try {
            switch (event) {
                case OPEN -> handler.onOpen(context);
                case DATA -> handler.onData(context, data);
                case WRITABLE -> handler.onWritable(context);
                case INPUT_ENDED -> handler.onInputEnded(context);
                case INPUT_FULL -> handler.onInputFull(context);
                case TASK_DONE -> handler.onTaskDone(context, taskType, result);
                case TASK_FAILED -> handler.onTaskFailed(context, taskType);
                case QUEUE_TIMEOUT -> handler.onQueueTimeout(context);
                case TIMER -> handler.onTimer(context);
                case ARRIVED -> handler.onArrived(context);
                case CLOSE -> handler.onClose(context);
                case FAILURE -> handler.onFailure(context, failure);
                case SENT -> handler.onSent(context);
                case DRAIN -> handler.onDrain(context);
                default -> throw new IllegalArgumentException("event " + event);
            }
            return null;
        } catch (RuntimeException | LinkageError | AssertionError | StackOverflowError | OutOfMemoryError e) {
            // A heap too full for what a handler makes, or a class of its that cannot load (a static initializer
            // that failed, or a class file that cannot be opened out of descriptors) fails that connection, not
            // its loop.
            return e;
        }
    }
}
