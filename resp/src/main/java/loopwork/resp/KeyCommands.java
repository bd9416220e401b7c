package loopwork.resp;

import java.nio.ByteBuffer;

import loopwork.core.Bytes;
import loopwork.core.Connection;
import loopwork.core.TaskPayload;

/**
 * The commands on keys, each a {@link KeyTask} per key (or per shard) on the worker that owns it, one at a time
 * per connection so that answers keep their order: {@link #start} checks the arguments, {@link #step} sends the
 * next task or ends the command, {@link #done} answers what a task found. The command stays unconsumed in the
 * input meanwhile (its arguments' offsets are relative to its start), and is consumed when it ends.
 *
 * <p>Not thread-safe: owned by its handler's loop.
 */
final class KeyCommands {

    private static final byte[] NX = Replies.ascii("nx");
    private static final byte[] XX = Replies.ascii("xx");
    private static final byte[] EX = Replies.ascii("ex");
    private static final byte[] PX = Replies.ascii("px");
    /** Retry a claim refused because the key's worker has no free slot this soon. */
    private static final long RETRY_MS = 1;
    private static final long MAX_SECONDS = Long.MAX_VALUE / 2 / 1000;

    private final RespProtocol protocol;
    private final Replies replies;
    /** Where the loop runs a key's operation itself, when it owns the keys; null when the workers do. */
    private final LocalPayload local;
    private final KeyTask task;

    KeyCommands(RespProtocol protocol, Replies replies) {
        this.protocol = protocol;
        this.replies = replies;
        local = protocol.loopOwnsKeys() ? new LocalPayload() : null;
        task = new KeyTask(protocol);
    }

    /** Sets command {@code code} up in {@code s}, or answers an error for it; whether it is under way. */
    boolean start(Connection c, Session s, ByteBuffer in, int base, int code) {
        Request r = s.request;
        s.reset();
        s.steps = 1;
        byte[] error = switch (code) {
            case Commands.GET, Commands.TTL, Commands.PTTL -> null;
            case Commands.DEL, Commands.EXISTS, Commands.MGET -> {
                s.steps = r.count - 1;
                yield null;
            }
            case Commands.MSET -> {
                s.steps = (r.count - 1) / 2;
                yield r.count % 2 == 0 ? Commands.arityError(code) : null;
            }
            case Commands.SET -> setOptions(s, in, base);
            case Commands.INCR, Commands.DECR -> {
                s.argument = code == Commands.INCR ? 1 : -1;
                yield null;
            }
            case Commands.INCRBY, Commands.DECRBY -> {
                long delta = Bytes.parseDecimal(in, r.start(base, 2), r.end(base, 2));
                s.argument = code == Commands.INCRBY ? delta : -delta; // -INVALID is INVALID
                yield delta == Bytes.INVALID || s.argument == Bytes.INVALID ? Replies.NOT_INTEGER : null;
            }
            case Commands.EXPIRE -> {
                long seconds = Bytes.parseDecimal(in, r.start(base, 2), r.end(base, 2));
                s.argument = seconds * 1000;
                yield seconds == Bytes.INVALID ? Replies.NOT_INTEGER
                        : Math.abs(seconds) > MAX_SECONDS ? Replies.EXPIRE_EXPIRE : null;
            }
            case Commands.DBSIZE -> {
                s.steps = protocol.shards();
                yield null;
            }
            case Commands.FLUSHDB -> {
                s.steps = protocol.shards();
                yield r.count > 2 ? Replies.SYNTAX : null; // FLUSHDB [ASYNC|SYNC]: both are synchronous here
            }
            default -> throw new IllegalArgumentException(Commands.name(code));
        };
        if (error != null) {
            Replies.write(c, error);
            s.reset();
            return false;
        }
        if (code == Commands.MGET) {
            replies.number(c, '*', s.steps);
        }
        s.command = code;
        return true;
    }

    /** SET's options after its value: NX or XX, EX seconds or PX milliseconds; an error, or null. */
    private static byte[] setOptions(Session s, ByteBuffer in, int base) {
        Request r = s.request;
        for (int i = 3; i < r.count; i++) {
            int from = r.start(base, i);
            int to = r.end(base, i);
            if (Bytes.equalsIgnoreCase(in, from, to, NX) || Bytes.equalsIgnoreCase(in, from, to, XX)) {
                int flag = Bytes.equalsIgnoreCase(in, from, to, NX) ? KeyTask.NX : KeyTask.XX;
                if (s.flags != 0) {
                    return Replies.SYNTAX;
                }
                s.flags = flag;
            } else if (Bytes.equalsIgnoreCase(in, from, to, EX) || Bytes.equalsIgnoreCase(in, from, to, PX)) {
                if (s.argument != 0 || ++i == r.count) {
                    return Replies.SYNTAX;
                }
                long n = Bytes.parseDecimal(in, r.start(base, i), r.end(base, i));
                if (n == Bytes.INVALID) {
                    return Replies.NOT_INTEGER;
                }
                boolean seconds = Bytes.equalsIgnoreCase(in, from, to, EX);
                if (n <= 0 || (seconds && n > MAX_SECONDS)) {
                    return Replies.SET_EXPIRE;
                }
                s.argument = seconds ? n * 1000 : n;
            } else {
                return Replies.SYNTAX;
            }
        }
        return null;
    }

    /**
     * The next step of the command under way: its next key's operation, run here when the loop owns the keys
     * (true: go on), else a task to the key's worker (false: wait for it); or, all done, its last answer,
     * consuming it (true: go on with the next command).
     */
    boolean step(Connection c, Session s, ByteBuffer in, int base) {
        if (s.step == s.steps) {
            switch (s.command) {
                case Commands.DEL, Commands.EXISTS, Commands.DBSIZE -> replies.number(c, ':', s.sum);
                case Commands.MSET, Commands.FLUSHDB -> Replies.write(c, Replies.OK);
                default -> { } // answered by its task
            }
            in.position(base + s.request.length);
            s.reset();
            return true;
        }
        Request r = s.request;
        int op;
        int key = 1;
        int value = -1;
        switch (s.command) {
            case Commands.GET -> op = KeyTask.GET;
            case Commands.MGET -> {
                op = KeyTask.GET;
                key = 1 + s.step;
            }
            case Commands.SET -> {
                op = KeyTask.SET;
                value = 2;
            }
            case Commands.MSET -> {
                op = KeyTask.SET;
                key = 1 + 2 * s.step;
                value = key + 1;
            }
            case Commands.DEL, Commands.EXISTS -> {
                op = s.command == Commands.DEL ? KeyTask.DEL : KeyTask.EXISTS;
                key = 1 + s.step;
            }
            case Commands.EXPIRE -> op = KeyTask.EXPIRE;
            case Commands.TTL, Commands.PTTL -> op = KeyTask.TTL;
            case Commands.DBSIZE, Commands.FLUSHDB -> {
                op = s.command == Commands.DBSIZE ? KeyTask.DBSIZE : KeyTask.FLUSHDB;
                key = -1;
            }
            default -> op = KeyTask.INCRBY; // INCR, DECR, INCRBY, DECRBY
        }
        int keyLength = key < 0 ? 0 : r.argumentLength(key);
        int valueLength = value < 0 ? 0 : r.argumentLength(value);
        if (key >= 0) {
            s.stage(in, r.start(base, key), keyLength, 0);
        }
        if (value >= 0) {
            s.stage(in, r.start(base, value), valueLength, keyLength);
        }
        s.ensureStage(keyLength + Bytes.MAX_DECIMAL_LENGTH); // INCRBY writes the sum after the key
        int hash = hash(s.stage, keyLength);
        int worker = key < 0 ? s.step : protocol.shards() == 1 ? 0 : Integer.remainderUnsigned(hash * 0x9E3779B9,
                protocol.shards());
        TaskPayload p = local != null ? local : c.tryClaimTask(protocol.keyTask(), worker); // every field is set
        if (p == null) {
            c.setTimer(RETRY_MS); // that worker's slots are all taken: the timer shows the input again
            return false;
        }
        p.putInt(KeyTask.OP, op);
        p.putInt(KeyTask.LOOP, s.loop);
        p.putInt(KeyTask.ID, s.id);
        p.putInt(KeyTask.WORKER, protocol.shards() == 1 ? 0 : worker);
        p.putInt(KeyTask.KEY_LENGTH, keyLength);
        p.putInt(KeyTask.VALUE_LENGTH, valueLength);
        p.putInt(KeyTask.HASH, hash);
        p.putInt(KeyTask.FLAGS, s.flags);
        p.putInt(KeyTask.STATUS, 0);
        p.putLong(KeyTask.ARGUMENT, s.argument);
        p.putLong(KeyTask.NOW_MS, c.nowMs());
        if (local != null) {
            task.run(p);
            done(c, s, p);
            return true;
        }
        c.commitTask();
        return false;
    }

    /** A task of the command under way has run: answers what it found, as far as the command answers per key. */
    void done(Connection c, Session s, TaskPayload p) {
        long result = p.getLong(KeyTask.RESULT);
        switch (s.command) {
            case Commands.GET, Commands.MGET -> {
                if (result < 0) {
                    Replies.write(c, Replies.NIL);
                } else {
                    replies.bulk(c, s, (int) result);
                }
            }
            case Commands.SET -> Replies.write(c, result == 1 ? Replies.OK : Replies.NIL);
            case Commands.DEL, Commands.EXISTS, Commands.DBSIZE -> s.sum += result;
            case Commands.EXPIRE -> replies.number(c, ':', result);
            case Commands.TTL -> replies.number(c, ':', result < 0 ? result : (result + 500) / 1000);
            case Commands.PTTL -> replies.number(c, ':', result);
            case Commands.INCR, Commands.DECR, Commands.INCRBY, Commands.DECRBY -> {
                int status = p.getInt(KeyTask.STATUS);
                if (status == 0) {
                    replies.number(c, ':', result);
                } else {
                    Replies.write(c, status == KeyTask.NOT_INTEGER ? Replies.NOT_INTEGER : Replies.OVERFLOW);
                }
            }
            default -> { } // MSET, FLUSHDB: answered at the end
        }
        s.step++;
    }

    /** The key's hash: its shard's bucket takes the low bits, its worker a multiple's. */
    static int hash(byte[] key, int length) {
        int h = 0;
        for (int i = 0; i < length; i++) {
            h = 31 * h + key[i];
        }
        return h ^ (h >>> 16);
    }
}
