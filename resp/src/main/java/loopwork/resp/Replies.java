package loopwork.resp;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import loopwork.core.Bytes;
import loopwork.core.Connection;

/**
 * The answers, pre-encoded, and the few that carry a number or a value, written without allocating: a number
 * or a bulk header through a scratch buffer, a value from its {@link Session}'s stage, copied into the output
 * when it fits there, else sent from the stage ({@link Connection#send}) as the socket drains.
 *
 * <p>Not thread-safe: owned by one handler's thread (the scratch buffer); the constants are shared.
 */
final class Replies {

    /** Room every command checks for before it starts: any answer but a value fits in it. */
    static final int ROOM = 256;
    static final byte[] CRLF = ascii("\r\n");
    static final byte[] OK = ascii("+OK\r\n");
    static final byte[] PONG = ascii("+PONG\r\n");
    static final byte[] NIL = ascii("$-1\r\n");
    static final byte[] EMPTY_ARRAY = ascii("*0\r\n");
    static final byte[] CONFIG_SAVE = ascii("*2\r\n$4\r\nsave\r\n$0\r\n\r\n");
    static final byte[] CONFIG_APPENDONLY = ascii("*2\r\n$10\r\nappendonly\r\n$2\r\nno\r\n");
    static final byte[] SYNTAX = ascii("-ERR syntax error\r\n");
    static final byte[] NOT_INTEGER = ascii("-ERR value is not an integer or out of range\r\n");
    static final byte[] OVERFLOW = ascii("-ERR increment or decrement would overflow\r\n");
    static final byte[] SET_EXPIRE = ascii("-ERR invalid expire time in 'set' command\r\n");
    static final byte[] EXPIRE_EXPIRE = ascii("-ERR invalid expire time in 'expire' command\r\n");
    static final byte[] NOT_TIMEOUT = ascii("-ERR timeout is not a float or out of range\r\n");
    static final byte[] DEBUG_SUBCOMMAND = ascii("-ERR DEBUG subcommand not supported: only DEBUG SLEEP\r\n");
    static final byte[] BUSY = ascii("-ERR server busy: no worker can take the command now\r\n");
    static final byte[] BAD_MULTIBULK = ascii("-ERR Protocol error: invalid multibulk length\r\n");
    static final byte[] BAD_BULK = ascii("-ERR Protocol error: invalid bulk length\r\n");
    static final byte[] EXPECTED_DOLLAR = ascii("-ERR Protocol error: expected '$'\r\n");
    static final byte[] EXPECTED_CRLF = ascii("-ERR Protocol error: expected CRLF after a bulk string\r\n");
    static final byte[] TOO_BIG_INLINE = ascii("-ERR Protocol error: too big inline request\r\n");
    private static final byte[] UNKNOWN_COMMAND = ascii("-ERR unknown command '");
    private static final byte[] UNKNOWN_TAIL = ascii("', with args beginning with: \r\n");
    /** Longest command name an unknown-command error repeats. */
    private static final int NAME_SHOWN = 64;

    private final ByteBuffer scratch = ByteBuffer.allocate(ROOM);
    private final int outputCapacity;

    Replies(int outputCapacity) {
        this.outputCapacity = outputCapacity;
    }

    static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** The answer to a command longer than the input buffer of {@code inputCapacity} bytes. */
    static byte[] tooLarge(int inputCapacity) {
        return ascii("-ERR Protocol error: command larger than the input buffer (" + inputCapacity
                + " bytes: bin/resp --input-bytes)\r\n");
    }

    /** {@code type} (':' a number, '$' a bulk header, '*' an array header), {@code value}, CRLF. */
    void number(Connection connection, char type, long value) {
        scratch.put(0, (byte) type);
        int end = Bytes.putDecimal(scratch, 1, value);
        scratch.put(end, CRLF);
        written(connection.write(scratch, 0, end + 2));
    }

    /**
     * The bulk string in {@code session}'s stage at {@link Session#VALUE_AT}, {@code length} bytes: its header put
     * just before it and its CRLF just after, so that it goes out in one piece, copied into the output when it
     * fits there, else sent from the stage as the socket drains.
     */
    void bulk(Connection connection, Session session, int length) {
        int start = Session.VALUE_AT - 3 - Bytes.decimalLength(length);
        ByteBuffer stage = session.stageBuffer;
        stage.put(start, (byte) '$');
        Bytes.putDecimal(stage, start + 1, length);
        stage.put(Session.VALUE_AT - 2, CRLF).put(Session.VALUE_AT + length, CRLF);
        int total = Session.VALUE_AT + length + 2 - start;
        if (total <= outputCapacity && connection.canWrite(total)) {
            written(connection.write(stage, start, total));
        } else {
            written(connection.send(stage, start, total));
        }
    }

    /** The bulk string {@code [from, to)} of {@code in}, through the stage: an argument may outgrow the output. */
    void bulk(Connection connection, Session session, ByteBuffer in, int from, int to) {
        session.stage(in, from, to - from, Session.VALUE_AT);
        bulk(connection, session, to - from);
    }

    /** Redis' error for a command it does not know, repeating its name (at most {@value #NAME_SHOWN} bytes). */
    void unknown(Connection connection, ByteBuffer in, int from, int to) {
        int shown = Math.min(to - from, NAME_SHOWN);
        scratch.put(0, UNKNOWN_COMMAND);
        scratch.put(UNKNOWN_COMMAND.length, in, from, shown);
        scratch.put(UNKNOWN_COMMAND.length + shown, UNKNOWN_TAIL);
        written(connection.write(scratch, 0, UNKNOWN_COMMAND.length + shown + UNKNOWN_TAIL.length));
    }

    static void write(Connection connection, byte[] reply) {
        written(connection.write(reply));
    }

    /** Every answer is written after {@link #ROOM} was found, which stays until the handler writes again. */
    private static void written(boolean accepted) {
        assert accepted : "an answer was refused after its room was checked";
    }
}
