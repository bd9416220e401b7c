package loopwork.resp;

import java.nio.ByteBuffer;

/**
 * A connection's state, attached to its context ({@link loopwork.core.Connection#attach}) at its first open and
 * kept for the next connections of that context: the command being parsed or run, and the stage, where a key
 * and a value travel to the worker that owns the key and a value comes back.
 *
 * <p>Not thread-safe: owned by the loop serving the connection, except the stage, which a task (on the key's
 * worker) reads and writes while it runs: the loop does not touch it from the commit to {@code onTaskDone},
 * and the task's hand-over and completion order the accesses (the kit's rings publish with release/acquire).
 */
final class Session {

    /** No command under way. */
    static final int IDLE = -1;
    private static final int FIRST_STAGE_BYTES = 256;
    /** Where a value to answer lies in the stage: after room for its bulk header ("$", a length, CRLF). */
    static final int VALUE_AT = 1 + 19 + 2;

    final Request request;
    /** Where {@link #attach} put it: its place in {@link RespProtocol}'s table, which tasks find it by. */
    final int loop;
    final int id;
    private final int maxStage;
    /** The stage, with room for 2 bytes after what it holds (a bulk string's CRLF). */
    byte[] stage = new byte[FIRST_STAGE_BYTES];
    /** The stage as a buffer, for {@link loopwork.core.Connection#send}. */
    ByteBuffer stageBuffer = ByteBuffer.wrap(stage);

    /** The command under way ({@link Commands}), or {@link #IDLE}. */
    int command = IDLE;
    /** Its next step (a key, a pair, a shard) and how many there are. */
    int step;
    int steps;
    /** What its steps add up (DEL, EXISTS, DBSIZE). */
    long sum;
    /** SET's NX or XX, and its expiry in milliseconds (0: none); INCRBY's delta; EXPIRE's milliseconds. */
    int flags;
    long argument;

    Session(int maxArguments, int inputCapacity, byte[] tooLarge, int loop, int id) {
        request = new Request(maxArguments, inputCapacity, tooLarge);
        this.loop = loop;
        this.id = id;
        maxStage = VALUE_AT + inputCapacity + 2;
    }

    /** Copies {@code length} bytes of {@code in} from {@code from} to the stage at {@code at}, growing it first. */
    void stage(ByteBuffer in, int from, int length, int at) {
        ensureStage(at + length);
        in.get(from, stage, at, length);
    }

    /**
     * Makes the stage hold {@code bytes} and a CRLF after them: allocates only when it must grow, to the next power
     * of two, keeping what it holds, so that a value of a size served before costs nothing. Called by the loop, or
     * by the task that owns the stage meanwhile.
     */
    void ensureStage(int bytes) {
        if (bytes + 2 > stage.length) {
            int size = Math.min(Integer.highestOneBit(bytes + 1) << 1, Math.max(maxStage, bytes + 2));
            stage = java.util.Arrays.copyOf(stage, size); // what is staged so far stays: a key before its value
            stageBuffer = ByteBuffer.wrap(stage);
        }
    }

    /** Back to no command, for the next one or the next connection. */
    void reset() {
        command = IDLE;
        step = 0;
        steps = 0;
        sum = 0;
        flags = 0;
        argument = 0;
    }
}
