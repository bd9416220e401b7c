package loopwork.server;

import java.nio.file.Path;

import loopwork.core.KitBuilder;
import loopwork.core.SyncThreads;
import loopwork.core.Transport;
import loopwork.http.HttpLimits;
import loopwork.http.HttpProtocol;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The command line, with the original server's names, short flags and defaults. Numbers are taken as
 * text and checked by {@link #resolve()}, so that every bad value gets one kind of message: the option,
 * its valid range, and what was given.
 *
 * <p>Not thread-safe: filled and read on the main thread.
 */
@Command(name = "loopwork", sortOptions = false, usageHelpAutoWidth = true,
        versionProvider = ServerOptions.Version.class,
        description = "Event loops + worker threads HTTP server. GET /test/fast is answered on the accept thread's "
                + "loop; GET /test/slow after --slow-duration ms of work on a worker (see --slow-mode); "
                + "GET /test/sync and /test/async do that work on a worker with the connection handed off "
                + "(blocking) or moved into the worker's loop; GET /test/stream?bytes=N streams N bytes with "
                + "blocking writes; GET /metrics is Prometheus text; GET /healthz and /readyz are liveness and "
                + "readiness, also on the admin listener (--admin-port).",
        footer = {"", "Every option can come from the environment too, as " + EnvironmentDefaults.PREFIX + " and its "
                + "long name in upper case with underscores: LOOPWORK_PORT=9000, LOOPWORK_MAX_HEAD=8192, "
                + "LOOPWORK_VERBOSE=true. An option on the command line wins; an empty variable counts as unset."})
final class ServerOptions {

    static final int CORES = Runtime.getRuntime().availableProcessors();
    static final int DEFAULT_MAX_HEAD = 4096;
    /** A peer slower than this, in bytes per second of waiting, loses its hand-off: a worker is worth more. */
    static final int DEFAULT_HANDOFF_MIN_RATE = 1024;
    /** How long --defer-accept auto lets the kernel hold a connection that sends nothing. */
    static final int AUTO_DEFER_SECONDS = 1;
    /** As Kubernetes' default grace period: a drain a little shorter fits in it. */
    static final int DEFAULT_DRAIN_TIMEOUT_SECONDS = 30;
    static final int MAX_DRAIN_TIMEOUT_SECONDS = 3600;

    @Option(names = {"-p", "--port"}, paramLabel = "PORT", description = "listen port, 1.." + KitBuilder.MAX_PORT + " (default 9000)")
    String port = "9000";

    @Option(names = "--host", paramLabel = "ADDRESS", description = "address to bind (default 0.0.0.0)")
    String host = "0.0.0.0";

    @Option(names = {"-A", "--accept-threads"}, paramLabel = "N",
            description = "accept threads, each with its own SO_REUSEPORT socket and event loop, 1.."
                    + KitBuilder.MAX_ACCEPT_THREADS + " (default: CPU cores)")
    String acceptThreads = String.valueOf(CORES);

    @Option(names = {"-C", "--accept-capacity"}, paramLabel = "N",
            description = "most simultaneous connections per accept thread, a hard limit: their buffers are "
                    + "reserved at start as address space, their contexts made as connections come, "
                    + "1.." + KitBuilder.MAX_ACCEPT_CAPACITY + " (default 100000)")
    String acceptCapacity = "100000";

    @Option(names = {"-w", "--worker-threads"}, paramLabel = "N",
            description = "worker threads, 0.." + KitBuilder.MAX_WORKER_THREADS + "; 0 runs slow work inside "
                    + "the accept threads (default: = accept threads)")
    String workerThreads;

    @Option(names = {"-D", "--slow-duration"}, paramLabel = "MS",
            description = "slow task delay in ms, 0..3600000 (default 30)")
    String slowDuration = "30";

    @Option(names = "--slow-mode", paramLabel = "MODE",
            description = "what /test/slow does: task (a task on a worker, as the original), sync (the connection "
                    + "handed to a worker and served blocking), async (moved into a worker's event loop); "
                    + "task|sync|async (default task)")
    String slowMode = "task";

    @Option(names = "--transport", paramLabel = "KIND",
            description = "how loops wait for sockets and move bytes: epoll (Linux, through the FFM API; nothing "
                    + "allocated per connection; IPv4) or nio (Java NIO, portable); epoll|nio (default: epoll "
                    + "where available and the host is not an IPv6 address, else nio)")
    String transport;

    @Option(names = "--defer-accept", paramLabel = "auto|SECONDS",
            description = "accept a connection only once its request has arrived, or after about SECONDS "
                    + "(TCP_DEFER_ACCEPT): a loop then wakes once per connection, not twice, and a connection that "
                    + "sends nothing holds no context meanwhile; epoll transport only; 0.."
                    + KitBuilder.MAX_DEFER_ACCEPT_SECONDS + ", 0 accepts at once; "
                    + "auto (default): each loop defers (1 s) while connections come faster than their requests "
                    + "and accepts at once while they come one at a time; on nio, auto accepts at once")
    String deferAccept = "auto";

    @Option(names = "--task-slots", paramLabel = "N",
            description = "task slots per worker, a power of two, " + KitBuilder.MIN_TASK_SLOTS + ".."
                    + KitBuilder.MAX_TASK_SLOTS + " (default 1024); "
                    + "/test/slow answers 503 when all are taken")
    String taskSlots = "1024";

    @Option(names = "--max-head", paramLabel = "BYTES",
            description = "largest request head, the size of each connection's input buffer; larger gets 431, "
                    + KitBuilder.MIN_BUFFER_BYTES + ".." + KitBuilder.MAX_BUFFER_BYTES + " (default 4096, the original's)")
    String maxHead = String.valueOf(DEFAULT_MAX_HEAD);

    @Option(names = "--max-target", paramLabel = "BYTES",
            description = "longest request-target; longer gets 414, " + HttpLimits.MIN_TARGET_BYTES + ".."
                    + HttpLimits.MAX_TARGET_BYTES + " (default 2048)")
    String maxTarget = String.valueOf(HttpLimits.DEFAULTS.maxTargetBytes());

    @Option(names = "--max-body", paramLabel = "BYTES",
            description = "largest request body; larger gets 413, 0.." + HttpLimits.MAX_BODY_BYTES
                    + " (default 1048576)")
    String maxBody = String.valueOf(HttpLimits.DEFAULTS.maxBodyBytes());

    @Option(names = "--body-buffers", paramLabel = "N",
            description = "small body buffers per event loop, each 64 KiB + --max-head, allocated at first use and "
                    + "kept: the whole bodies up to 64 KiB (larger than --max-head) gathered at once; one more gets "
                    + "503, 0.." + HttpProtocol.MAX_BODY_BUFFERS + " (default " + HttpProtocol.DEFAULT_BODY_BUFFERS
                    + ": at most 8.5 MiB per loop)")
    String bodyBuffers = String.valueOf(HttpProtocol.DEFAULT_BODY_BUFFERS);

    @Option(names = "--large-body-buffers", paramLabel = "N",
            description = "large body buffers per event loop, each --max-body + --max-head, for bodies over 64 KiB, "
                    + "0.." + HttpProtocol.MAX_LARGE_BODY_BUFFERS + " (default " + HttpProtocol.DEFAULT_LARGE_BODY_BUFFERS
                    + ": at most 4 MiB per loop at the default --max-body)")
    String largeBodyBuffers = String.valueOf(HttpProtocol.DEFAULT_LARGE_BODY_BUFFERS);

    @Option(names = "--header-timeout", paramLabel = "MS",
            description = "time to send a request head, from connecting or from its first byte; then 408 and "
                    + "close, " + HttpLimits.MIN_TIMEOUT_MS + ".." + HttpLimits.MAX_HEADER_TIMEOUT_MS + " (default 10000)")
    String headerTimeout = String.valueOf(HttpLimits.DEFAULTS.headerTimeoutMs());

    @Option(names = "--idle-timeout", paramLabel = "MS",
            description = "a kept-alive connection with no request in progress closes after this, "
                    + HttpLimits.MIN_TIMEOUT_MS + ".." + HttpLimits.MAX_IDLE_TIMEOUT_MS + " (default 60000)")
    String idleTimeout = String.valueOf(HttpLimits.DEFAULTS.idleTimeoutMs());

    @Option(names = "--write-timeout", paramLabel = "MS",
            description = "a peer that does not read its answers for this long is closed, "
                    + HttpLimits.MIN_TIMEOUT_MS + ".." + HttpLimits.MAX_WRITE_TIMEOUT_MS + " (default 30000)")
    String writeTimeout = String.valueOf(HttpLimits.DEFAULTS.writeTimeoutMs());

    @Option(names = "--handoff-min-rate", paramLabel = "BYTES",
            description = "a connection handed to a worker for blocking I/O (/test/sync, /test/stream) waits for "
                    + "its peer at most --write-timeout at a time, and is closed if the peer moves fewer than this "
                    + "many bytes per second over a stretch of waiting; 0 for no minimum, 0..1073741824 (default "
                    + DEFAULT_HANDOFF_MIN_RATE + ")")
    String handOffMinRate = String.valueOf(DEFAULT_HANDOFF_MIN_RATE);

    @Option(names = "--queue-timeout", paramLabel = "MS",
            description = "slow work (/test/slow, /test/sync, a stream) that waited this long for a worker without "
                    + "starting gets 503 with Retry-After, 1.." + KitBuilder.MAX_QUEUE_TIMEOUT_MS + " (default "
                    + KitBuilder.DEFAULT_QUEUE_TIMEOUT_MS + ")")
    String queueTimeout = String.valueOf(KitBuilder.DEFAULT_QUEUE_TIMEOUT_MS);

    @Option(names = "--drain-timeout", paramLabel = "SECONDS",
            description = "on SIGTERM or SIGINT the server stops listening, finishes what it was asked and closes "
                    + "idle connections, then exits; what is still open after this long is reset. A second "
                    + "signal stops at once. 0.." + MAX_DRAIN_TIMEOUT_SECONDS + " (default "
                    + DEFAULT_DRAIN_TIMEOUT_SECONDS + ")")
    String drainTimeout = String.valueOf(DEFAULT_DRAIN_TIMEOUT_SECONDS);

    @Option(names = "--sync-threads", paramLabel = "KIND",
            description = "what serves a connection handed to a worker for blocking I/O (/test/sync, /test/stream): "
                    + "platform (the worker's own thread, one at a time) or virtual (a virtual thread per hand-off, "
                    + "parked while it waits, so a worker serves many at once); platform|virtual (default "
                    + "virtual)")
    String syncThreads = SyncThreads.DEFAULT.label();

    @Option(names = "--drain-delay", paramLabel = "SECONDS",
            description = "on the first SIGTERM or SIGINT, turn unready (/readyz 503) and serve on as usual for this "
                    + "long before the drain, so that load balancers and Kubernetes stop sending first. 0.."
                    + MAX_DRAIN_TIMEOUT_SECONDS + " (default 0)")
    String drainDelay = "0";

    /** The operator's listener, on loopback by default: metrics and health stay reachable when the server is full. */
    static final int DEFAULT_ADMIN_PORT = 9090;

    @Option(names = "--admin-port", paramLabel = "PORT",
            description = "port of the admin listener, which serves /metrics, /healthz and /readyz with "
                    + AdminListener.CONTEXTS + " connections of its own, reachable when the main pools are full; "
                    + "0 for none, 0.." + KitBuilder.MAX_PORT + " (default " + DEFAULT_ADMIN_PORT + "; when the "
                    + "default is taken, by another instance say, the server warns and runs without it)")
    String adminPort;

    @Option(names = "--admin-host", paramLabel = "ADDRESS",
            description = "address of the admin listener (default 127.0.0.1: the host's own agents and probes)")
    String adminHost = "127.0.0.1";

    @Option(names = {"-v", "--verbose"}, description = "the same as --log-level debug")
    boolean verbose;

    @Option(names = "--log-level", paramLabel = "LEVEL",
            description = "the least severe log records written, one line each, to stderr (a daemon's --log-file): "
                    + "start, stop and refusals are info, handler failures error, each connection debug; "
                    + "error|warn|info|debug (default info)")
    String logLevel = "info";

    @Option(names = {"-d", "--daemonize"},
            description = "detach: run in the background in a new session, output to --log-file; "
                    + "returns once the server listens")
    boolean daemonize;

    @Option(names = "--pid-file", paramLabel = "FILE",
            description = "write the server's pid here once it listens (default with -d: loopwork.pid)")
    Path pidFile;

    @Option(names = "--log-file", paramLabel = "FILE", description = "output of a daemon (default loopwork.log)")
    Path logFile = Path.of("loopwork.log");

    // ---- who owns the port: joining on purpose, inheriting, taking over (see Listening)

    @Option(names = "--reuse-port",
            description = "join other sockets already listening on the address (SO_REUSEPORT; the kernel spreads "
                    + "connections over the instances); without it, starting on an address something listens on "
                    + "fails")
    boolean reusePort;

    @Option(names = "--control-socket", paramLabel = "PATH",
            description = "listen on this Unix socket for a successor started with --take-over PATH, which takes "
                    + "the listening sockets over; then this server stops (default: none). Put it in a directory "
                    + "only the server's user can enter")
    Path controlSocket;

    @Option(names = "--take-over", paramLabel = "PATH",
            description = "take the listening sockets over from the server whose --control-socket is PATH, "
                    + "serve them, then let that server stop: a restart that refuses no connection; --host and "
                    + "--port are then those of the sockets (epoll transport)")
    Path takeOver;

    /** How the server gets its listening sockets, beside the settings. */
    record Listening(boolean reusePort, Path controlSocket, Path takeOver) {
        static final Listening DEFAULT = new Listening(false, null, null);
    }

    Listening listening() throws OptionError {
        if (takeOver != null && reusePort) {
            throw new OptionError("--take-over and --reuse-port exclude each other: a take-over serves the "
                    + "running server's own sockets");
        }
        return new Listening(reusePort, controlSocket, takeOver);
    }

    @Option(names = {"-?", "--help"}, usageHelp = true, description = "print this help and exit")
    boolean help;

    @Option(names = "--version", versionHelp = true, description = "print the version and exit")
    boolean version;

    /** The checked settings. */
    record Settings(String host, int port, int acceptThreads, int acceptCapacity, int workerThreads,
            int slowDurationMs, LoopworkServer.SlowMode slowMode, int taskSlots, int maxHead, HttpLimits limits,
            int handOffMinRate, int queueTimeoutMs, Transport transport, int deferAcceptSeconds,
            boolean deferAcceptAdaptive, boolean verbose, boolean daemonize, Path pidFile, Path logFile,
            int drainTimeoutSeconds, int drainDelaySeconds, Admin admin, int bodyBuffers, int largeBodyBuffers,
            SyncThreads syncThreads) {

        /** As the program's settings were before the drain and the admin listener: their defaults, none (tests). */
        Settings(String host, int port, int acceptThreads, int acceptCapacity, int workerThreads, int slowDurationMs,
                LoopworkServer.SlowMode slowMode, int taskSlots, int maxHead, HttpLimits limits, int handOffMinRate,
                int queueTimeoutMs, Transport transport, int deferAcceptSeconds, boolean deferAcceptAdaptive,
                boolean verbose, boolean daemonize, Path pidFile, Path logFile) {
            this(host, port, acceptThreads, acceptCapacity, workerThreads, slowDurationMs, slowMode, taskSlots, maxHead,
                    limits, handOffMinRate, queueTimeoutMs, transport, deferAcceptSeconds, deferAcceptAdaptive,
                    verbose, daemonize, pidFile, logFile, DEFAULT_DRAIN_TIMEOUT_SECONDS, 0, null,
                    HttpProtocol.DEFAULT_BODY_BUFFERS, HttpProtocol.DEFAULT_LARGE_BODY_BUFFERS, SyncThreads.DEFAULT);
        }

        /** These settings with the admin listener {@code value} (null for none). */
        Settings withAdmin(Admin value) {
            return new Settings(host, port, acceptThreads, acceptCapacity, workerThreads, slowDurationMs, slowMode,
                    taskSlots, maxHead, limits, handOffMinRate, queueTimeoutMs, transport, deferAcceptSeconds,
                    deferAcceptAdaptive, verbose, daemonize, pidFile, logFile, drainTimeoutSeconds, drainDelaySeconds,
                    value, bodyBuffers, largeBodyBuffers, syncThreads);
        }
    }

    /**
     * The admin listener's address (port 0: a free one, for tests); {@code required} when the command line asked
     * for it, so that the start fails if it cannot be had, where the default is only warned about.
     */
    record Admin(String host, int port, boolean required) {
    }

    Settings resolve() throws OptionError {
        int accept = number("--accept-threads", acceptThreads, 1, KitBuilder.MAX_ACCEPT_THREADS);
        int slots = number("--task-slots", taskSlots, KitBuilder.MIN_TASK_SLOTS, KitBuilder.MAX_TASK_SLOTS);
        if (Integer.bitCount(slots) != 1) {
            throw new OptionError("--task-slots must be a power of two in " + KitBuilder.MIN_TASK_SLOTS + ".."
                    + KitBuilder.MAX_TASK_SLOTS + ", got " + slots);
        }
        if (host.isBlank()) {
            throw new OptionError("--host must be an address or host name, got ''");
        }
        LoopworkServer.SlowMode mode = switch (slowMode) {
            case "task" -> LoopworkServer.SlowMode.TASK;
            case "sync" -> LoopworkServer.SlowMode.SYNC;
            case "async" -> LoopworkServer.SlowMode.ASYNC;
            default -> throw new OptionError("--slow-mode must be one of task|sync|async, got '" + slowMode + "'");
        };
        // The epoll bindings speak IPv4: an IPv6 literal host gets NIO unless epoll is asked for (and refused).
        Transport kind = transport == null ? (host.contains(":") ? Transport.NIO : Transport.preferred())
                : switch (transport) {
                    case "epoll" -> Transport.EPOLL;
                    case "nio" -> Transport.NIO;
                    default -> throw new OptionError("--transport must be one of epoll|nio, got '" + transport + "'");
                };
        if (!kind.isAvailable()) {
            throw new OptionError("--transport epoll is not available here (" + kind.unavailabilityCause()
                    + "); use --transport nio");
        }
        SyncThreads sync = switch (syncThreads) {
            case "platform" -> SyncThreads.PLATFORM;
            case "virtual" -> SyncThreads.VIRTUAL;
            default -> throw new OptionError("--sync-threads must be one of platform|virtual, got '" + syncThreads
                    + "'");
        };
        boolean adaptive = deferAccept.trim().equals("auto");
        int defer = adaptive ? AUTO_DEFER_SECONDS
                : number("--defer-accept", deferAccept, 0, KitBuilder.MAX_DEFER_ACCEPT_SECONDS, "auto or ");
        if (defer > 0 && !adaptive && kind != Transport.EPOLL) {
            throw new OptionError("--defer-accept needs --transport epoll (Java NIO cannot set TCP_DEFER_ACCEPT); "
                    + "use --defer-accept 0 with --transport nio");
        }
        return new Settings(host, number("--port", port, 1, KitBuilder.MAX_PORT), accept,
                number("--accept-capacity", acceptCapacity, 1, KitBuilder.MAX_ACCEPT_CAPACITY),
                workerThreads == null ? accept
                        : number("--worker-threads", workerThreads, 0, KitBuilder.MAX_WORKER_THREADS),
                number("--slow-duration", slowDuration, 0, 3_600_000), mode, slots,
                number("--max-head", maxHead, KitBuilder.MIN_BUFFER_BYTES, KitBuilder.MAX_BUFFER_BYTES),
                new HttpLimits(
                        number("--max-target", maxTarget, HttpLimits.MIN_TARGET_BYTES, HttpLimits.MAX_TARGET_BYTES),
                        number("--max-body", maxBody, 0, (int) HttpLimits.MAX_BODY_BYTES),
                        number("--header-timeout", headerTimeout, (int) HttpLimits.MIN_TIMEOUT_MS,
                                (int) HttpLimits.MAX_HEADER_TIMEOUT_MS),
                        number("--idle-timeout", idleTimeout, (int) HttpLimits.MIN_TIMEOUT_MS,
                                (int) HttpLimits.MAX_IDLE_TIMEOUT_MS),
                        number("--write-timeout", writeTimeout, (int) HttpLimits.MIN_TIMEOUT_MS,
                                (int) HttpLimits.MAX_WRITE_TIMEOUT_MS)),
                number("--handoff-min-rate", handOffMinRate, 0, 1 << 30),
                number("--queue-timeout", queueTimeout, 1, KitBuilder.MAX_QUEUE_TIMEOUT_MS), kind, defer, adaptive, verbose, daemonize,
                pidFile != null ? pidFile : daemonize ? Path.of("loopwork.pid") : null, logFile,
                number("--drain-timeout", drainTimeout, 0, MAX_DRAIN_TIMEOUT_SECONDS),
                number("--drain-delay", drainDelay, 0, MAX_DRAIN_TIMEOUT_SECONDS), admin(),
                number("--body-buffers", bodyBuffers, 0, HttpProtocol.MAX_BODY_BUFFERS),
                number("--large-body-buffers", largeBodyBuffers, 0, HttpProtocol.MAX_LARGE_BODY_BUFFERS), sync);
    }

    /** The admin listener asked for, the default one, or null for none ({@code --admin-port 0}). */
    private Admin admin() throws OptionError {
        int port = adminPort == null ? DEFAULT_ADMIN_PORT : number("--admin-port", adminPort, 0, KitBuilder.MAX_PORT);
        if (adminHost.isBlank()) {
            throw new OptionError("--admin-host must be an address or host name, got ''");
        }
        return port == 0 ? null : new Admin(adminHost, port, adminPort != null);
    }

    /** The {@code --log-level}, or DEBUG with {@code -v}. */
    System.Logger.Level logLevel() throws OptionError {
        System.Logger.Level level = switch (logLevel.trim()) {
            case "error" -> System.Logger.Level.ERROR;
            case "warn" -> System.Logger.Level.WARNING;
            case "info" -> System.Logger.Level.INFO;
            case "debug" -> System.Logger.Level.DEBUG;
            default -> throw new OptionError("--log-level must be one of error|warn|info|debug, got '" + logLevel + "'");
        };
        return verbose ? System.Logger.Level.DEBUG : level;
    }

    private static int number(String option, String text, int min, int max) throws OptionError {
        return number(option, text, min, max, "");
    }

    /** A whole number in min..max; {@code alternatives} ("auto or ") names the words the option also takes. */
    private static int number(String option, String text, int min, int max, String alternatives)
            throws OptionError {
        long value;
        try {
            value = Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new OptionError(option + " must be " + alternatives + "a whole number in " + min + ".." + max
                    + ", got '" + text + "'");
        }
        if (value < min || value > max) {
            throw new OptionError(option + " must be " + alternatives + "in " + min + ".." + max + ", got " + value);
        }
        return (int) value;
    }

    /** Version from the jar's manifest, or "dev" when run from classes. */
    static final class Version implements picocli.CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String implementation = ServerOptions.class.getPackage().getImplementationVersion();
            return new String[] {"loopwork " + (implementation != null ? implementation : "dev")
                    + " (Java " + Runtime.version() + ")"};
        }
    }
}
