package loopwork.core.loop;

/**
 * What travels through a loop's mailbox: the header fields of a slot and the kinds of message. A message
 * carries indexes, never references: the connection is named by its home loop and its context id.
 */
final class Messages {
    /** Header fields. */
    static final int KIND = 0;
    static final int HOME = 1;
    static final int CONNECTION = 2;
    static final int TASK_TYPE = 3;
    static final int STATUS = 4;
    /** Of a task: which loop takes its completion: -1 for the connection's home, else the worker whose loop serves it. */
    static final int REPLY_TO = 5;

    /** To a worker: run the task in the payload, post {@link #TASK_DONE} to the connection's home. */
    static final int TASK = 1;
    /** To whoever offloaded the task: it ran; the payload holds its results. */
    static final int TASK_DONE = 2;
    /** To a worker: serve the connection with its blocking handler. */
    static final int HAND_OFF = 3;
    /** To a worker: register the connection with your selector and serve it there. */
    static final int MOVE = 4;
    /** To the home loop: the connection is back, open. */
    static final int RETURNED = 5;
    /** To the home loop: the connection was closed elsewhere; release its context. */
    static final int CLOSED_AWAY = 6;
    /** A claimed slot given up (the connection closed before it could leave): skip it. */
    static final int NONE = 7;

    /** {@link #STATUS} of a task. */
    static final int TASK_OK = 0;
    static final int TASK_FAILED = 1;

    // A task's or hand-off's slot state (SlotRing#state): queued, started by its worker, or expired by its loop.
    // The values carry the slot's position, so that a loop's late look at a slot reused since cannot take the
    // new message for the one it queued (ABA).
    private static final int QUEUED = 1;
    private static final int STARTED = 2;
    private static final int EXPIRED = 3;

    static long queued(long position) {
        return position << 2 | QUEUED;
    }

    static long started(long position) {
        return position << 2 | STARTED;
    }

    static long expired(long position) {
        return position << 2 | EXPIRED;
    }

    private Messages() {
    }
}
