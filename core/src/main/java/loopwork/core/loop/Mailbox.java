package loopwork.core.loop;

import loopwork.core.transport.Poller;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import loopwork.core.ring.SlotPayload;
import loopwork.core.ring.SlotRing;

/**
 * A loop's mailbox: the only way other threads reach it. A sender claims a slot of {@link #ring}, fills it in
 * place and commits it, then {@link #wakeup()}s the loop, or {@link #post}s a whole message at once. Room is
 * reserved ahead for the messages others will owe this loop (task completions, connections coming back), so
 * that they never find it full: the loop caps what may be owed to it at the ring's size.
 *
 * <p>Thread-safe where it says so: {@link #ring}'s claim and commit, {@link #post}, {@link #wakeup()} and
 * {@link #close()} from any thread; everything else is owned by the loop, which asserts it.
 */
final class Mailbox {

    private static final VarHandle SLEEPING;

    static {
        try {
            SLEEPING = MethodHandles.lookup().findVarHandle(Mailbox.class, "sleeping", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final SlotRing ring;
    private final OwnerThread owner;
    private final Poller poller;
    private volatile boolean open = true;
    @SuppressWarnings("unused") // accessed through SLEEPING
    private volatile boolean sleeping;
    /** Messages that come by another way than the ring, and keep the loop awake as mail does. */
    interface OtherMail {
        /** Any thread: whether some came since the loop last took them. */
        boolean waiting();
    }

    /** A worker's virtual threads' hand-backs ({@link VirtualHandOffs}); null elsewhere. */
    private OtherMail otherMail;
    /** Messages others may still owe this loop; at most the ring's capacity. */
    private int owed;

    Mailbox(int capacity, OwnerThread owner, Poller poller) {
        this.ring = new SlotRing(capacity);
        this.owner = owner;
        this.poller = poller;
        ring.consumer(owner.thread());
    }

    /** Before any thread starts: the loop must not sleep while {@code other} has mail either. */
    void alsoAwait(OtherMail other) {
        otherMail = other;
    }

    int capacity() {
        return ring.capacity();
    }

    /** Reserves room for one message owed later; false when all of it is spoken for. */
    boolean reserve() {
        assert owner.isCurrent() : owner.notOwner("Mailbox.reserve");
        if (owed >= ring.capacity()) {
            return false;
        }
        owed++;
        return true;
    }

    /** The owed message came, or will not come. */
    void unreserve() {
        assert owner.isCurrent() : owner.notOwner("Mailbox.unreserve");
        owed--;
    }

    /**
     * The loop is about to sleep in its poller: from here a sender must wake it. Returns false, with the flag
     * cleared, when mail came in the meantime (or the box closed): then it must not sleep. Checked after the flag
     * is set: a message committed before the flag was visible would not wake it.
     */
    boolean sleepIfEmpty() {
        SLEEPING.setVolatile(this, true);
        if (!ring.isEmpty() || !open || (otherMail != null && otherMail.waiting())) {
            SLEEPING.setVolatile(this, false);
            return false;
        }
        return true;
    }

    /** The loop woke up. */
    void awake() {
        SLEEPING.setVolatile(this, false);
    }

    /** Any thread: wakes the loop if it sleeps in its poller; a system call, so once per sleep. */
    void wakeup() {
        if ((boolean) SLEEPING.getVolatile(this) && SLEEPING.compareAndSet(this, true, false)) {
            poller.wakeup();
        }
    }

    /** Any thread: the loop stops; a post from here on is dropped, and a sleeping loop wakes. */
    void close() {
        open = false;
        poller.wakeup();
    }

    boolean isOpen() {
        return open;
    }

    /**
     * Any thread: posts a message. The sender reserved its room, so the spin only waits out producers that
     * claimed before it (or, on a worker's loop, moves that took room until the loop drains them). A closed
     * mailbox's loop drains nothing: the message is dropped, as everything is closing.
     */
    void post(int kind, int home, int connection, int taskType, int status, SlotPayload payload) {
        long position;
        while ((position = ring.tryClaim()) < 0) {
            if (!open) {
                return;
            }
            Thread.onSpinWait();
        }
        ring.header(position, Messages.KIND, kind);
        ring.header(position, Messages.HOME, home);
        ring.header(position, Messages.CONNECTION, connection);
        ring.header(position, Messages.TASK_TYPE, taskType);
        ring.header(position, Messages.STATUS, status);
        if (payload != null) {
            payload.copyTo(ring, position);
        }
        ring.commit(position);
        wakeup();
    }
}
