package loopwork.resp;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import loopwork.core.KitBuilder;

/**
 * bin/resp's command line, in the server's style: each option's range in the help and in the error that names
 * it; a bad command line exits with 2. Numbers only, so a small table does what the server's picocli does.
 *
 * <p>Not thread-safe: used by main.
 */
final class RespOptions {

    /** A bad command line: the message names the option and its range. */
    static final class OptionError extends Exception {
        private static final long serialVersionUID = 1L;

        OptionError(String message) {
            super(message);
        }
    }

    private record Spec(String shortName, String name, long min, long max, long byDefault, String help) {
    }

    private static final List<Spec> SPECS = List.of(
            new Spec("-p", "--port", 0, KitBuilder.MAX_PORT, 6380, "listen port (0: any free one)"),
            new Spec("-A", "--accept-threads", 1, KitBuilder.MAX_ACCEPT_THREADS, 1,
                    "accept threads, each with its own SO_REUSEPORT socket and event loop"),
            new Spec("-w", "--worker-threads", 0, KitBuilder.MAX_WORKER_THREADS, 1,
                    "worker threads: they serve DEBUG SLEEP (a hand-off), and with --keys workers own the keys"),
            new Spec("-C", "--accept-capacity", 1, KitBuilder.MAX_ACCEPT_CAPACITY, 10_000,
                    "most simultaneous connections per accept thread"),
            new Spec(null, "--input-bytes", KitBuilder.MIN_BUFFER_BYTES, KitBuilder.MAX_BUFFER_BYTES, 65_536,
                    "each connection's input buffer: the longest command (a SET's key and value)"),
            new Spec(null, "--output-bytes", KitBuilder.MIN_BUFFER_BYTES, KitBuilder.MAX_BUFFER_BYTES, 16_384,
                    "each connection's output buffer; longer values are sent from the stage"),
            new Spec(null, "--max-arguments", 3, RespLimits.MAX_ARGUMENTS, 1024, "arguments of one command"),
            new Spec(null, "--initial-keys", 1, 1 << 28, 65_536, "keys per shard before its table first grows"),
            new Spec(null, "--drain-timeout", 0, 3600, 10, "seconds the first SIGTERM waits for clients to finish"));

    private final Map<String, Long> values = new TreeMap<>();
    String host = "127.0.0.1";
    /** Who owns the keys: the one accept loop, or the workers, a shard each. */
    boolean keysOnWorkers;
    boolean help;

    /** Parses {@code args}; the values not given keep their defaults. */
    static RespOptions parse(String[] args) throws OptionError {
        RespOptions options = new RespOptions();
        for (Spec spec : SPECS) {
            options.values.put(spec.name, spec.byDefault);
        }
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("-h") || arg.equals("--help")) {
                options.help = true;
                continue;
            }
            String value = null;
            int equals = arg.indexOf('=');
            if (arg.startsWith("--") && equals > 0) {
                value = arg.substring(equals + 1);
                arg = arg.substring(0, equals);
            }
            if (arg.equals("--host")) {
                options.host = value != null ? value : next(args, ++i, "--host", "an address");
                continue;
            }
            if (arg.equals("--keys")) {
                String owner = value != null ? value : next(args, ++i, "--keys", "loop or workers");
                if (!owner.equals("loop") && !owner.equals("workers")) {
                    throw new OptionError("--keys: '" + owner + "' is neither loop nor workers");
                }
                options.keysOnWorkers = owner.equals("workers");
                continue;
            }
            Spec spec = find(arg);
            value = value != null ? value : next(args, ++i, spec.name, range(spec));
            options.values.put(spec.name, number(spec, value));
        }
        if ((!options.keysOnWorkers || options.get("--worker-threads") == 0) && options.get("--accept-threads") > 1) {
            throw new OptionError("--accept-threads above 1 needs --keys workers and --worker-threads 1 or more: the "
                    + "keys have one owner, the accept thread or the workers");
        }
        return options;
    }

    private static Spec find(String arg) throws OptionError {
        for (Spec spec : SPECS) {
            if (arg.equals(spec.name) || arg.equals(spec.shortName)) {
                return spec;
            }
        }
        throw new OptionError("unknown option '" + arg + "'");
    }

    private static String next(String[] args, int i, String name, String what) throws OptionError {
        if (i >= args.length) {
            throw new OptionError(name + " needs a value: " + what);
        }
        return args[i];
    }

    private static long number(Spec spec, String value) throws OptionError {
        long n;
        try {
            n = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new OptionError(spec.name + ": '" + value + "' is not a number; " + range(spec));
        }
        if (n < spec.min || n > spec.max) {
            throw new OptionError(spec.name + ": " + n + " is out of range; " + range(spec));
        }
        return n;
    }

    private static String range(Spec spec) {
        return String.format("%,d..%,d", spec.min, spec.max);
    }

    int get(String name) {
        return values.get(name).intValue();
    }

    static String usage() {
        StringBuilder text = new StringBuilder("Usage: resp [options]: a Redis-protocol (RESP2) server on the "
                + "Loopwork kit\n").append(String.format("  %-27s%s%n", "    --host ADDRESS", "address to bind "
                + "(default 127.0.0.1)")).append(String.format("  %-27s%s%n", "    --keys loop|workers",
                "who owns the keys: the one accept thread, running every command (default), or the workers, a shard "
                + "each, each key's operation a task"));
        for (Spec spec : SPECS) {
            String names = (spec.shortName == null ? "    " : spec.shortName + ", ") + spec.name + " N";
            text.append(String.format("  %-27s%s, %s (default %d)%n", names, spec.help, range(spec), spec.byDefault));
        }
        return text.append(String.format("  %-27s%s%n", "-h, --help", "print this help and exit")).toString();
    }
}
