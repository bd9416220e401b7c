package loopwork.resp;

import loopwork.core.TaskPayload;
import loopwork.core.TaskType;

/**
 * One operation on one key (or on a whole shard: DBSIZE, FLUSHDB), run by the worker whose shard holds the key:
 * the loop claims it with {@code tryClaimTask(type, worker)} for the key's worker, the key and value travel in
 * the connection's {@link Session} stage, and the payload carries the rest, then the result.
 *
 * <p>Thread-safe: keeps no state; the shard it touches is its worker's alone.
 */
final class KeyTask implements TaskType {

    static final int GET = 1;
    static final int SET = 2;
    static final int DEL = 3;
    static final int EXISTS = 4;
    static final int INCRBY = 5;
    static final int EXPIRE = 6;
    static final int TTL = 7;
    static final int DBSIZE = 8;
    static final int FLUSHDB = 9;

    /** SET's flags. */
    static final int NX = 1;
    static final int XX = 2;

    /** {@link #STATUS}es besides 0, all is well. */
    static final int NOT_INTEGER = 1;
    static final int OVERFLOW = 2;

    // The payload: what the loop writes, then what the task writes back.
    static final int OP = 0;
    static final int LOOP = 4;
    static final int ID = 8;
    static final int WORKER = 12;
    static final int KEY_LENGTH = 16;
    static final int VALUE_LENGTH = 20;
    static final int HASH = 24;
    static final int FLAGS = 28;
    /** SET's expiry, EXPIRE's deadline, INCRBY's delta. */
    static final int ARGUMENT = 32;
    /** The loop's clock when it sent the task: the workers keep none of their own. */
    static final int NOW_MS = 40;
    static final int STATUS = 48;
    /** A count, a number, a value's length (-1: none), milliseconds to live. */
    static final int RESULT = 56;

    private final RespProtocol protocol;

    KeyTask(RespProtocol protocol) {
        this.protocol = protocol;
    }

    @Override
    public int payloadBytes() {
        return RESULT + Long.BYTES;
    }

    @Override
    public void run(TaskPayload p) {
        Shard shard = protocol.shard(p.getInt(WORKER));
        Session session = protocol.session(p.getInt(LOOP), p.getInt(ID));
        byte[] stage = session.stage;
        int keyLength = p.getInt(KEY_LENGTH);
        int hash = p.getInt(HASH);
        long now = p.getLong(NOW_MS);
        long argument = p.getLong(ARGUMENT);
        long result = switch (p.getInt(OP)) {
            case GET -> shard.get(session, keyLength, hash, now);
            case SET -> {
                int flags = p.getInt(FLAGS);
                yield shard.set(stage, keyLength, p.getInt(VALUE_LENGTH), hash, (flags & NX) != 0, (flags & XX) != 0,
                        argument == 0 ? Shard.NEVER : now + argument, now) ? 1 : 0;
            }
            case DEL -> shard.delete(stage, keyLength, hash, now) ? 1 : 0;
            case EXISTS -> shard.exists(stage, keyLength, hash, now) ? 1 : 0;
            case INCRBY -> {
                long sum = shard.add(stage, keyLength, hash, argument, now);
                p.putInt(STATUS, shard.failure);
                yield sum;
            }
            case EXPIRE -> shard.expire(stage, keyLength, hash, now + argument, now) ? 1 : 0;
            case TTL -> shard.timeToLive(stage, keyLength, hash, now);
            case DBSIZE -> shard.size();
            case FLUSHDB -> {
                shard.clear();
                yield 0;
            }
            default -> throw new IllegalArgumentException("operation " + p.getInt(OP));
        };
        p.putLong(RESULT, result);
        shard.sweep(now);
    }
}
