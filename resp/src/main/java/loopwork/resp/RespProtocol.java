package loopwork.resp;

import java.nio.charset.StandardCharsets;

import loopwork.core.Connection;
import loopwork.core.ConnectionHandler;
import loopwork.core.CounterRegistry;
import loopwork.core.KitBuilder;
import loopwork.core.LoopInfo;
import loopwork.core.Protocol;
import loopwork.core.TaskRegistry;

/**
 * A Redis-protocol (RESP2) server on the kit: see the package's description for what it serves and how.
 *
 * <pre>{@code
 * Kit kit = Kit.builder().port(6380).acceptThreads(1).workerThreads(1).protocol(new RespProtocol()).build();
 * }</pre>
 *
 * <p>Thread-safe by contract: built, and its handlers made, on the main thread before the kit starts; then each
 * accept loop writes its own row of the session table ({@link #attach}), and the workers read the rows after a
 * task's hand-over, which orders the accesses.
 */
public final class RespProtocol implements Protocol {

    static final byte[] REFUSAL = Replies.ascii("-ERR max number of clients reached\r\n");
    private static final byte[] INFO = info();

    private final RespLimits limits;
    private final boolean keysOnWorkers;
    /** Each accept loop's sessions, by connection id: where a worker's task finds the stage of its connection. */
    private final Session[][] sessions = new Session[KitBuilder.MAX_ACCEPT_THREADS][];
    private Shard[] shards;
    private int keyTask;

    /** Keys on the accept loop: for a kit of one accept loop. */
    public RespProtocol() {
        this(RespLimits.DEFAULTS, false);
    }

    /**
     * @param keysOnWorkers false: the one accept loop owns the keys and runs every command itself (the kit must
     *                      have one accept loop); true: each worker owns a shard of them, and each key's operation
     *                      is a task on its worker (any number of accept loops)
     */
    public RespProtocol(RespLimits limits, boolean keysOnWorkers) {
        this.limits = limits;
        this.keysOnWorkers = keysOnWorkers;
    }

    @Override
    public void registerTasks(TaskRegistry tasks) {
        keyTask = tasks.register(new KeyTask(this));
    }

    /** The session's two argument arrays and its first stage. */
    @Override
    public int heapBytesPerConnection() {
        return 2 * Integer.BYTES * limits.maxArguments() + 512;
    }

    @Override
    public byte[] refusal() {
        return REFUSAL.clone();
    }

    @Override
    public ConnectionHandler newHandler(LoopInfo loop) {
        throw new UnsupportedOperationException("the kit calls newHandler(loop, counters)");
    }

    @Override
    public ConnectionHandler newHandler(LoopInfo loop, CounterRegistry counters) {
        if (shards == null) {
            // With no workers, tasks run on the loop: one shard, as when the loop owns the keys.
            shards = new Shard[keysOnWorkers ? Math.max(1, loop.workers()) : 1];
            for (int i = 0; i < shards.length; i++) {
                shards[i] = new Shard(limits.initialKeysPerShard());
            }
        }
        if (loop.role() == LoopInfo.Role.ACCEPT_LOOP) {
            if ((!keysOnWorkers || loop.workers() == 0) && loop.index() > 0) {
                throw new IllegalArgumentException("RESP with its keys on the accept loop (or no workers) needs one "
                        + "accept loop, or the keys would have an owner per loop: keep the keys on the workers");
            }
            sessions[loop.index()] = new Session[loop.capacity()];
        }
        if (!loop.isEventLoop()) {
            return (connection, in) -> {
                throw new IllegalStateException("a worker's blocking side is never called with events");
            };
        }
        return new RespHandler(this, loop, counters.counter("resp.commands"), counters.counter("resp.errors"));
    }

    boolean loopOwnsKeys() {
        return !keysOnWorkers;
    }

    int keyTask() {
        return keyTask;
    }

    int shards() {
        return shards.length;
    }

    Shard shard(int worker) {
        return shards[worker];
    }

    Session session(int loop, int id) {
        return sessions[loop][id];
    }

    /** The session of {@code connection}'s context, made at its first open: the only allocation per context. */
    Session attach(Connection connection, LoopInfo loop) {
        Session session = (Session) connection.attachment();
        if (session == null) {
            session = new Session(limits.maxArguments(), loop.inputCapacity(), Replies.tooLarge(loop.inputCapacity()),
                    connection.loopIndex(), connection.id());
            sessions[connection.loopIndex()][connection.id()] = session;
            connection.attach(session);
        }
        return session;
    }

    private static byte[] info() {
        String text = "# Server\r\nredis_version:7.0.0\r\nredis_mode:standalone\r\nloopwork_resp:1\r\n"
                + "multiplexing_api:loopwork\r\n";
        return ("$" + text.length() + "\r\n" + text + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] infoReply() {
        return INFO;
    }
}
