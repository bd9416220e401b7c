package loopwork.resp;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import loopwork.core.Bytes;

/**
 * The commands served, by code: their names and arities as Redis declares them (a positive arity is exact, a
 * negative one a minimum, the command's name counted), and each one's pre-encoded wrong-arity error.
 *
 * <p>Thread-safe: immutable.
 */
final class Commands {

    static final int UNKNOWN = -1;
    static final int GET = 0;
    static final int SET = 1;
    static final int PING = 2;
    static final int ECHO = 3;
    static final int DEL = 4;
    static final int EXISTS = 5;
    static final int INCR = 6;
    static final int INCRBY = 7;
    static final int DECR = 8;
    static final int DECRBY = 9;
    static final int MGET = 10;
    static final int MSET = 11;
    static final int EXPIRE = 12;
    static final int TTL = 13;
    static final int PTTL = 14;
    static final int DBSIZE = 15;
    static final int FLUSHDB = 16;
    static final int COMMAND = 17;
    static final int QUIT = 18;
    static final int INFO = 19;
    static final int CONFIG = 20;
    static final int DEBUG = 21;

    /** In code order: GET and SET first, as the lookup tries them first. */
    private static final String[] NAMES = {"get", "set", "ping", "echo", "del", "exists", "incr", "incrby", "decr",
        "decrby", "mget", "mset", "expire", "ttl", "pttl", "dbsize", "flushdb", "command", "quit", "info", "config",
        "debug"};
    private static final int[] ARITY = {2, -3, -1, 2, -2, -2, 2, 3, 2, 3, -2, -3, 3, 2, 2, 1, -1, -1, -1, -1, -2, -2};
    private static final byte[][] LOWER = new byte[NAMES.length][];
    private static final byte[][] ARITY_ERRORS = new byte[NAMES.length][];

    static {
        for (int i = 0; i < NAMES.length; i++) {
            LOWER[i] = NAMES[i].getBytes(StandardCharsets.US_ASCII);
            ARITY_ERRORS[i] = String.format(Locale.ROOT, "-ERR wrong number of arguments for '%s' command\r\n",
                    NAMES[i]).getBytes(StandardCharsets.US_ASCII);
        }
    }

    private Commands() {
    }

    /** The code of the command named by {@code [from, to)} of {@code in}, any case, or {@link #UNKNOWN}. */
    static int lookup(ByteBuffer in, int from, int to) {
        int length = to - from;
        for (int code = 0; code < LOWER.length; code++) {
            if (LOWER[code].length == length && Bytes.equalsIgnoreCase(in, from, LOWER[code])) {
                return code;
            }
        }
        return UNKNOWN;
    }

    /** Whether the command works on keys ({@link KeyCommands}): GET, SET, and DEL to FLUSHDB. */
    static boolean onKeys(int code) {
        return code <= SET || code >= DEL && code <= FLUSHDB;
    }

    /** Whether {@code arguments} (the name included) suit the command. */
    static boolean arityFits(int code, int arguments) {
        int arity = ARITY[code];
        return arity > 0 ? arguments == arity : arguments >= -arity;
    }

    static byte[] arityError(int code) {
        return ARITY_ERRORS[code];
    }

    static String name(int code) {
        return NAMES[code];
    }

    static int count() {
        return NAMES.length;
    }
}
