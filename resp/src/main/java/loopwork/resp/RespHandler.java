package loopwork.resp;

import java.nio.ByteBuffer;

import loopwork.core.BlockingHandler;
import loopwork.core.Bytes;
import loopwork.core.Connection;
import loopwork.core.ConnectionHandler;
import loopwork.core.LoopCounter;
import loopwork.core.LoopInfo;
import loopwork.core.TaskPayload;

/**
 * RESP on one loop: parses each command where it lies in the input, answers those that touch no key here
 * (PING, ECHO, COMMAND, CONFIG GET, INFO, QUIT), sends those on keys to the key's worker ({@link KeyCommands}),
 * and lends the connection to a worker for DEBUG SLEEP (a hand-off). One command at a time while a task or a
 * send is out, so answers keep the commands' order; every command starts only with {@link Replies#ROOM} free in
 * the output, so that no answer it owes is refused later.
 *
 * <p>Not thread-safe: owned by its event loop.
 */
final class RespHandler implements ConnectionHandler {

    private static final byte[] SAVE = Replies.ascii("save");
    private static final byte[] APPENDONLY = Replies.ascii("appendonly");
    private static final byte[] GET = Replies.ascii("get");
    private static final byte[] SLEEP = Replies.ascii("sleep");

    /** DEBUG SLEEP, on a worker: sleeps the milliseconds it is given, answers, and gives the connection back. */
    private static final BlockingHandler SLEEPER = blocking -> {
        Thread.sleep(blocking.argument());
        blocking.write(Replies.OK);
        return true;
    };

    private final RespProtocol protocol;
    private final LoopInfo loop;
    private final LoopCounter commands;
    private final LoopCounter errors;
    private final Replies replies;
    private final KeyCommands keys;

    RespHandler(RespProtocol protocol, LoopInfo loop, LoopCounter commands, LoopCounter errors) {
        this.protocol = protocol;
        this.loop = loop;
        this.commands = commands;
        this.errors = errors;
        replies = new Replies(loop.outputCapacity());
        keys = new KeyCommands(protocol, replies);
    }

    @Override
    public void onOpen(Connection connection) {
        protocol.attach(connection, loop).reset();
    }

    @Override
    public void onData(Connection c, ByteBuffer in) {
        Session s = (Session) c.attachment();
        while (c.isOpen() && c.tasksInFlight() == 0 && !c.isSending() && c.canWrite(Replies.ROOM)) {
            int from = in.position();
            if (s.command != Session.IDLE) {
                if (!keys.step(c, s, in, from)) {
                    return; // a task is out for it: onTaskDone, then onData again
                }
                continue;
            }
            if (from == in.limit()) {
                if (c.draining()) {
                    c.closeAfterWrite(); // between commands, as onDrain closes the idle ones
                }
                return;
            }
            Request r = s.request;
            int status = r.parse(in, from, in.limit());
            if (status == Request.INCOMPLETE) {
                c.awaitBytes(r.needed); // 0 when it cannot tell: every read then
                return;
            }
            if (status == Request.ERROR) {
                protocolError(c, in, r.error);
                return;
            }
            if (r.count > 0) {
                commands.increment();
                if (!command(c, s, in, from)) {
                    return;
                }
            } else {
                in.position(from + r.length);
            }
        }
    }

    /** Runs a whole command just parsed at {@code base}; false when the connection is leaving for a worker. */
    private boolean command(Connection c, Session s, ByteBuffer in, int base) {
        Request r = s.request;
        int code = Commands.lookup(in, r.start(base, 0), r.end(base, 0));
        if (code == Commands.UNKNOWN) {
            errors.increment();
            replies.unknown(c, in, r.start(base, 0), r.end(base, 0));
        } else if (!Commands.arityFits(code, r.count) || (code == Commands.PING && r.count > 2)) {
            errors.increment();
            Replies.write(c, Commands.arityError(code));
        } else if (Commands.onKeys(code)) {
            if (keys.start(c, s, in, base, code)) {
                return true; // under way: consumed when done
            }
            errors.increment();
        } else {
            return simple(c, s, in, base, code);
        }
        in.position(base + r.length);
        return true;
    }

    /** The commands that touch no key, answered here; false when the connection is leaving for a worker. */
    private boolean simple(Connection c, Session s, ByteBuffer in, int base, int code) {
        Request r = s.request;
        in.position(base + r.length); // consumed first: the arguments are still there to read until we return
        switch (code) {
            case Commands.PING -> {
                if (r.count == 1) {
                    Replies.write(c, Replies.PONG);
                } else {
                    replies.bulk(c, s, in, r.start(base, 1), r.end(base, 1));
                }
            }
            case Commands.ECHO -> replies.bulk(c, s, in, r.start(base, 1), r.end(base, 1));
            case Commands.COMMAND -> Replies.write(c, Replies.EMPTY_ARRAY); // enough for redis-cli and -benchmark
            case Commands.INFO -> Replies.write(c, RespProtocol.infoReply());
            case Commands.QUIT -> {
                Replies.write(c, Replies.OK);
                c.closeAfterWrite();
            }
            case Commands.CONFIG -> Replies.write(c, config(in, base, r));
            default -> { // DEBUG
                return debug(c, in, base, r);
            }
        }
        return true;
    }

    /** CONFIG GET save and appendonly, which redis-benchmark asks for: no persistence; nothing else. */
    private static byte[] config(ByteBuffer in, int base, Request r) {
        if (r.count != 3 || !Bytes.equalsIgnoreCase(in, r.start(base, 1), r.end(base, 1), GET)) {
            return Replies.SYNTAX;
        }
        int from = r.start(base, 2);
        int to = r.end(base, 2);
        return Bytes.equalsIgnoreCase(in, from, to, SAVE) ? Replies.CONFIG_SAVE
                : Bytes.equalsIgnoreCase(in, from, to, APPENDONLY) ? Replies.CONFIG_APPENDONLY : Replies.EMPTY_ARRAY;
    }

    /** DEBUG SLEEP seconds (a decimal, fractions to the millisecond): served by a worker, through a hand-off. */
    private boolean debug(Connection c, ByteBuffer in, int base, Request r) {
        if (r.count != 3 || !Bytes.equalsIgnoreCase(in, r.start(base, 1), r.end(base, 1), SLEEP)) {
            Replies.write(c, Replies.DEBUG_SUBCOMMAND);
            return true;
        }
        long ms = milliseconds(in, r.start(base, 2), r.end(base, 2));
        if (ms < 0) {
            Replies.write(c, Replies.NOT_TIMEOUT);
            return true;
        }
        if (c.handOff(SLEEPER, ms)) {
            return false; // stop consuming: the rest is read when it comes back
        }
        Replies.write(c, Replies.BUSY);
        return true;
    }

    /** "1", "0.25", ".5": seconds as milliseconds, or -1 if not such a number (or over a day). */
    static long milliseconds(ByteBuffer in, int from, int to) {
        int dot = Bytes.indexOf(in, from, to, (byte) '.');
        int end = dot < 0 ? to : dot;
        long seconds = end == from ? 0 : Bytes.parseDecimal(in, from, end);
        if (seconds < 0 || seconds > 86_400 || dot >= 0 && (to - dot - 1 > 3 || Bytes.digitsEnd(in, dot + 1, to) != to)) {
            return -1; // INVALID is negative too
        }
        long ms = seconds * 1000;
        for (int i = dot + 1, scale = 100; dot >= 0 && i < to; i++, scale /= 10) {
            ms += (in.get(i) - '0') * scale;
        }
        return ms;
    }

    private void protocolError(Connection c, ByteBuffer in, byte[] reply) {
        errors.increment();
        Replies.write(c, reply);
        c.closeAfterWrite();
        in.position(in.limit());
    }

    @Override
    public void onTaskDone(Connection connection, int taskType, TaskPayload result) {
        keys.done(connection, (Session) connection.attachment(), result);
    }

    @Override
    public void onTimer(Connection connection) {
        // A claim was refused (KeyCommands.RETRY_MS): nothing to do, the kit shows the input again.
    }

    /** A command longer than the input buffer, with no length known yet (an inline line, a count line). */
    @Override
    public void onInputFull(Connection connection) {
        errors.increment();
        connection.write(Replies.TOO_BIG_INLINE); // if the output has no room for it, the close says enough
        connection.closeAfterWrite();
    }

    @Override
    public void onDrain(Connection connection) {
        Session s = (Session) connection.attachment();
        if (s.command == Session.IDLE && connection.tasksInFlight() == 0 && connection.unconsumedInput() == 0) {
            connection.closeAfterWrite();
        }
    }
}
