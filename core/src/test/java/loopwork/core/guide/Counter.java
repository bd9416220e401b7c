package loopwork.core.guide;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import loopwork.core.BlockingHandler;
import loopwork.core.Bytes;
import loopwork.core.Connection;
import loopwork.core.ConnectionHandler;
import loopwork.core.CounterRegistry;
import loopwork.core.LoopCounter;
import loopwork.core.LoopInfo;
import loopwork.core.Protocol;
import loopwork.core.TaskPayload;
import loopwork.core.TaskRegistry;
import loopwork.core.TaskType;

/**
 * The protocol of docs/kit.md, whose code blocks are the regions of this file ({@code KitGuideTest} checks they
 * match, and runs it). A line protocol over CRLF: "INCR key" adds one to a counter kept on the worker the key
 * belongs to and answers its value; "DUMP n" answers n bytes of a shared buffer, however many; "SLEEP ms" answers
 * from a blocking hand-off; "QUIT" closes. A connection idle for 30 s is closed.
 */
// region protocol
public final class Counter implements Protocol {

    static final byte[] CRLF = {'\r', '\n'};
    static final byte[] INCR = "incr ".getBytes(StandardCharsets.US_ASCII);
    static final byte[] DUMP = "dump ".getBytes(StandardCharsets.US_ASCII);
    static final byte[] SLEEP = "sleep ".getBytes(StandardCharsets.US_ASCII);
    static final byte[] QUIT = "quit".getBytes(StandardCharsets.US_ASCII);
    static final byte[] BUSY = "-BUSY\r\n".getBytes(StandardCharsets.US_ASCII);
    static final byte[] ERROR = "-ERR\r\n".getBytes(StandardCharsets.US_ASCII);
    /** What DUMP sends regions of: one read-only buffer shared by every connection. */
    static final ByteBuffer BLOB = ByteBuffer.allocateDirect(1 << 20).asReadOnlyBuffer();
    static final long IDLE_MS = 30_000;

    int incr;

    @Override
    public void registerTasks(TaskRegistry tasks) {
        incr = tasks.register(new Increment());
    }

    @Override
    public byte[] refusal() {
        return BUSY;
    }

    @Override
    public ConnectionHandler newHandler(LoopInfo loop) {
        throw new UnsupportedOperationException("the kit calls newHandler(loop, counters)");
    }

    @Override
    public ConnectionHandler newHandler(LoopInfo loop, CounterRegistry counters) {
        return new CounterHandler(this, loop, counters.counter("counter.commands"));
    }
}
// endregion protocol

/** Adds one to the counter of the key hashed at offset 0, on its worker's shard; the value at offset 8. */
// region task
final class Increment implements TaskType {
    /** One shard per worker (up to 64 here), each touched only by its worker's thread: no lock. */
    static final long[][] SHARDS = new long[64][4096];

    @Override
    public int payloadBytes() {
        return 16;
    }

    @Override
    public void run(TaskPayload payload) {
        int hash = payload.getInt(0);
        int worker = payload.getInt(4);
        long[] shard = SHARDS[worker];
        payload.putLong(8, ++shard[Math.floorMod(hash, shard.length)]);
    }
}
// endregion task

/** One per loop and worker. */
// region handler
final class CounterHandler implements ConnectionHandler {

    private static final int LONGEST = 1 + Bytes.MAX_DECIMAL_LENGTH + 2; // ":" value CRLF
    private final Counter protocol;
    private final LoopInfo loop;
    private final LoopCounter commands;
    private final ByteBuffer answer = ByteBuffer.allocate(LONGEST);

    CounterHandler(Counter protocol, LoopInfo loop, LoopCounter commands) {
        this.protocol = protocol;
        this.loop = loop;
        this.commands = commands;
    }

    @Override
    public void onOpen(Connection connection) {
        connection.setTimer(Counter.IDLE_MS);
    }

    @Override
    public void onData(Connection connection, ByteBuffer in) {
        connection.setTimer(Counter.IDLE_MS);
        // One command at a time while a task or a send is out: answers keep their order.
        while (connection.isOpen() && connection.tasksInFlight() == 0 && !connection.isSending()) {
            int start = in.position();
            int cr = Bytes.indexOfCrlf(in, start, in.limit());
            if (cr < 0) {
                return; // not a whole line yet; the kit shows it again with more
            }
            if (!command(connection, in, start, cr)) {
                return; // no room to answer: the line stays, and onData comes again once output drained
            }
            commands.increment();
            in.position(cr + 2);
        }
    }

    /** Runs one command; false, having done nothing, when its answer would not fit now. */
    private boolean command(Connection connection, ByteBuffer in, int start, int cr) {
        if (!connection.canWrite(LONGEST)) {
            return false; // checked first: an answer owed by a task cannot be refused later
        }
        if (Bytes.equalsIgnoreCase(in, start, cr, Counter.QUIT)) {
            connection.closeAfterWrite();
            return true;
        }
        int argument = start + Counter.INCR.length;
        if (cr > argument && Bytes.equalsIgnoreCase(in, start, Counter.INCR)) {
            int hash = 0;
            for (int i = argument; i < cr; i++) {
                hash = 31 * hash + in.get(i);
            }
            int worker = loop.workers() == 0 ? 0 : Math.floorMod(hash, loop.workers());
            TaskPayload task = connection.tryClaimTask(protocol.incr, worker);
            if (task == null) {
                return connection.write(Counter.BUSY); // that worker's slots are all taken
            }
            task.putInt(0, hash);
            task.putInt(4, worker);
            connection.commitTask();
            return true;
        }
        long count = cr - start > Counter.DUMP.length && Bytes.equalsIgnoreCase(in, start, Counter.DUMP)
                ? Bytes.parseDecimal(in, start + Counter.DUMP.length, cr) : Bytes.INVALID;
        if (count >= 0 && count <= Counter.BLOB.capacity()) {
            return number(connection, '$', count) && connection.send(Counter.BLOB, 0, (int) count);
        }
        long sleep = cr - start > Counter.SLEEP.length && Bytes.equalsIgnoreCase(in, start, Counter.SLEEP)
                ? Bytes.parseDecimal(in, start + Counter.SLEEP.length, cr) : Bytes.INVALID;
        if (sleep >= 0) {
            return connection.handOff(SLEEPER, sleep) || connection.write(Counter.BUSY);
        }
        return connection.write(Counter.ERROR);
    }

    /** ":" or "$", the value, CRLF. */
    private boolean number(Connection connection, char type, long value) {
        answer.put(0, (byte) type);
        int end = Bytes.putDecimal(answer, 1, value);
        answer.put(end, Counter.CRLF);
        return connection.write(answer, 0, end + 2);
    }

    @Override
    public void onTaskDone(Connection connection, int taskType, TaskPayload result) {
        number(connection, ':', result.getLong(8)); // room was checked before the claim
    }

    @Override
    public void onTimer(Connection connection) {
        connection.close(); // idle for IDLE_MS
    }

    /** One instance for every hand-off: the milliseconds come as its argument. */
    private static final BlockingHandler SLEEPER = blocking -> {
        Thread.sleep(blocking.argument());
        blocking.write(":0\r\n".getBytes(StandardCharsets.US_ASCII)); // a blocking handler may allocate
        return true;
    };
}
// endregion handler
