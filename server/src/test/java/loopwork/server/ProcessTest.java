package loopwork.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import loopwork.core.Transport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The program as a real process: the start-up report, serving, SIGTERM, a bad option, a heap too small for
 * the mailboxes, the start-up time and memory at the default capacity (in a 64 MB heap too), {@code -d} with
 * its pid file, and a failed bind.
 *
 * <p>The server runs as {@code java -p <this JVM's module path> -m loopwork.server/loopwork.server.Main},
 * with the JVM flags of {@code bin/loopwork}: during {@code mvn verify} the server jar that {@code bin/loopwork} runs is not
 * built yet when the tests run. Output goes to files, read by polling with a deadline. Every process
 * started, and any daemon found by the marker property on its command line, is killed after each test.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProcessTest {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(10);
    private static final Pattern POOL_MEMORY =
            Pattern.compile("pool memory: ([\\d,]+) KB per accept thread, ([\\d,]+) KB total");
    private static final Pattern CONTEXTS =
            Pattern.compile("\\(([\\d,]+) contexts per thread, (\\d+) B input \\+ (\\d+) B output buffer each");
    private static final Pattern CONTEXT_HEAP = Pattern.compile("; heap: ([\\d,]+) KB at start for mailboxes and "
            + "task slots, and about (\\d+) B per context, made as connections come and kept \\(([\\d,]+) KB with "
            + "every pool full\\); a ([\\d,]+) MB maximum heap holds about ([\\d,]+) contexts");

    @TempDir
    Path dir;

    /** On the command line of every JVM this test starts, and copied by -d to the daemon's. */
    private final String marker = "-Dloopwork.process.test=" + UUID.randomUUID();
    private final List<Process> processes = new ArrayList<>();
    private final List<Long> daemons = new ArrayList<>();

    @AfterEach
    void killEverythingStarted() throws InterruptedException {
        List<ProcessHandle> all = new ArrayList<>();
        for (Process process : processes) {
            all.add(process.toHandle());
            process.descendants().forEach(all::add);
        }
        for (long pid : daemons) {
            ProcessHandle.of(pid).ifPresent(all::add);
        }
        // commandLine(), not arguments(): the JDK reads one page of /proc/<pid>/cmdline and gives no
        // arguments at all for a longer one, but still the command line's start, where the marker is
        ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(line -> line.contains(marker)).orElse(false))
                .forEach(all::add);
        for (ProcessHandle handle : all) {
            handle.destroyForcibly();
        }
        long deadline = System.nanoTime() + EXIT_TIMEOUT.toNanos();
        for (ProcessHandle handle : all) {
            while (handle.isAlive() && System.nanoTime() - deadline < 0) {
                Thread.sleep(20);
            }
        }
    }

    // ---- a. start-up report, serving, SIGTERM

    @Test
    void reportsTheConfigurationServesAndStopsOnSigterm() throws Exception {
        int port = FreePort.pick();
        Server server = start(dir, "-p", String.valueOf(port), "-A", "2", "-C", "1000");

        String report = server.awaitOut(POOL_MEMORY, START_TIMEOUT);

        assertThat(report).contains("listening on 0.0.0.0:" + port);
        assertThat(report).containsPattern("accept threads: 2 \\(");
        assertThat(report).contains("worker threads: 2"); // default: as many as accept threads
        assertThat(report).doesNotContain("glibc"); // the system-call stub, where the transport is epoll
        if (report.contains("transport: epoll")) { // --defer-accept auto, the default; nio never defers
            assertThat(report).contains("accepting once a request arrived while connections come faster than "
                    + "requests (at most ~1 s)");
        } else {
            assertThat(report).doesNotContain("accepting once");
        }
        Matcher memory = POOL_MEMORY.matcher(report);
        assertThat(memory.find()).isTrue();
        long perThreadKb = number(memory.group(1));
        long totalKb = number(memory.group(2));
        Matcher perContext = CONTEXTS.matcher(report);
        assertThat(perContext.find()).as("contexts and buffer sizes in %s", report).isTrue();
        long contexts = number(perContext.group(1));
        long bufferBytes = number(perContext.group(2)) + number(perContext.group(3));
        assertThat(contexts).isEqualTo(1000);
        assertThat(perThreadKb).as("per thread holds at least the buffers of its contexts")
                .isGreaterThanOrEqualTo(contexts * bufferBytes / 1024);
        assertThat(totalKb).as("total = 2 accept threads x per thread").isEqualTo(2 * perThreadKb);
        Matcher heap = CONTEXT_HEAP.matcher(report);
        assertThat(heap.find()).as("the kit's heap beside the buffers in %s", report).isTrue();
        long startKb = number(heap.group(1));
        long heapBytesEach = number(heap.group(2));
        assertThat(startKb).as("heap KB at start").isPositive();
        assertThat(heapBytesEach).as("heap per context").isPositive();
        long fullKb = startKb + 2 * contexts * heapBytesEach / 1024;
        assertThat(number(heap.group(3))).as("heap KB with every pool full").isBetween(fullKb - 1, fullKb + 1);
        assertThat(number(heap.group(5))).as("contexts the heap holds: all 2,000 here").isEqualTo(2 * contexts);

        assertThat(get(port, "/test/fast").statusCode()).isEqualTo(200);

        server.process.destroy(); // SIGTERM
        assertThat(server.process.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
                .as("exits within %s of SIGTERM; %s", EXIT_TIMEOUT, server).isTrue();
        assertThat(server.process.exitValue()).as("%s", server).isIn(0, 143);
        assertThat(server.err()).as("stderr").doesNotContain("Exception");
    }

    // ---- b. bad option

    @Test
    void badOptionExitsWithTwoNamingTheOptionAndRange() throws Exception {
        Server server = start(dir, "-p", "0");

        int code = server.awaitExit(START_TIMEOUT);

        assertThat(code).as("%s", server).isEqualTo(2);
        assertThat(server.err()).contains("--port").contains("1..65535");
        assertThat(server.output()).doesNotContain("listening");
    }

    @Test
    void systemCallsThroughGlibcAreReportedAndServe() throws Exception {
        int port = FreePort.pick();
        Server server = start(List.of("-Dloopwork.epoll.stub=false"), dir, "-p", String.valueOf(port), "-A", "1",
                "-C", "100");

        String report = server.awaitOut(POOL_MEMORY, START_TIMEOUT);

        if (report.contains("transport: epoll")) {
            assertThat(report).contains("transport: epoll (system calls through glibc: -Dloopwork.epoll.stub=false)");
        } else {
            assertThat(report).doesNotContain("glibc");
        }
        assertThat(get(port, "/test/fast").statusCode()).isEqualTo(200);
    }

    @Test
    void deferAcceptZeroAcceptsAtOnceAndSaysNothingOfDeferring() throws Exception {
        int port = FreePort.pick();
        Server server = start(dir, "-p", String.valueOf(port), "-A", "1", "-C", "100", "--defer-accept", "0");

        String report = server.awaitOut(POOL_MEMORY, START_TIMEOUT);

        assertThat(report).doesNotContain("accepting once");
        assertThat(get(port, "/test/fast").statusCode()).isEqualTo(200);
    }

    // ---- c. default capacity: start-up time and resident memory

    @Test
    void defaultCapacityStartsQuicklyInBoundedMemory() throws Exception {
        int port = FreePort.pick();
        long started = System.nanoTime();
        Server server = start(dir, "-p", String.valueOf(port), "-A", "2");

        String report = server.awaitOut(POOL_MEMORY, Duration.ofSeconds(15));
        long startupMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

        assertThat(report).contains("100,000 contexts per thread");
        assertThat(get(port, "/test/fast").statusCode()).isEqualTo(200);
        long rssKb = residentKb(server.process.pid());
        System.out.printf("ProcessTest: -A 2 -C 100000 (default) reached the start-up report in %d ms; VmRSS %,d KB"
                + " after one request%n", startupMs, rssKb);
        assertThat(rssKb).as("VmRSS in KB: contexts made up front would add about 100 MB").isLessThan(150 * 1024);
    }

    /**
     * The defaults (-A 2 -C 100000) start in a 64 MB heap, which holds about a hundred thousand contexts made
     * as connections come: start-up holds none, and serves.
     */
    @Test
    void defaultCapacityStartsAndServesInA64MbHeap() throws Exception {
        int port = FreePort.pick();
        Server server = start(List.of("-Xmx64m"), dir, "-p", String.valueOf(port), "-A", "2");

        String report = server.awaitOut(POOL_MEMORY, START_TIMEOUT);

        assertThat(report).contains("100,000 contexts per thread");
        Matcher heap = CONTEXT_HEAP.matcher(report);
        assertThat(heap.find()).as("the kit's heap in %s", report).isTrue();
        assertThat(number(heap.group(4))).as("maximum heap MB").isLessThanOrEqualTo(64);
        assertThat(number(heap.group(5))).as("contexts 64 MB holds").isGreaterThan(50_000);
        assertThat(get(port, "/test/fast").statusCode()).isEqualTo(200);
        assertThat(server.err()).as("stderr: the log, with no warning or error").doesNotContain(" WARN ", " ERROR ");
    }

    /**
     * A heap too small for what the server allocates at start (16 workers of 65,536 task slots give each accept
     * loop a mailbox of 2^20 slots, about 180 MB): the server refuses before allocating it, in one paragraph
     * that names what it needs and the ways out, and with no stack trace.
     */
    @Test
    void heapTooSmallForTheMailboxesExitsWithOneSayingWhatTheyNeed() throws Exception {
        Server server = start(List.of("-Xmx64m"), dir, "-p", String.valueOf(FreePort.pick()), "-A", "2", "-w", "16",
                "--task-slots", "65536");

        int code = server.awaitExit(START_TIMEOUT);

        assertThat(code).as("%s", server).isEqualTo(1);
        String err = server.err();
        assertThat(err).as("one paragraph: one line").hasLineCount(1);
        assertThat(err).contains("-A 2 -w 16 --task-slots 65536").contains("mailboxes and task slots")
                .contains("-Xmx").contains("lower -w or --task-slots")
                .containsPattern("needs? about [\\d,]+ MB of heap");
        assertThat(err).doesNotContain("Exception", "OutOfMemoryError", "\tat ");
        assertThat(server.output()).doesNotContain("listening");
    }

    // ---- d. daemon

    @Test
    void daemonizesWritesAndRemovesItsPidFile() throws Exception {
        int port = FreePort.pick();
        Path pidFile = dir.resolve("x.pid");
        Path logFile = dir.resolve("x.log");
        String[] args = {"-d", "-p", String.valueOf(port), "--pid-file", "x.pid", "--log-file", "x.log",
                "-A", "1", "-C", "100"}; // relative: resolved in the working directory, the temp dir

        Server launcher = start(dir, args);
        int launched = launcher.awaitExit(Duration.ofSeconds(30));
        Long daemonPid = readPid(pidFile);
        if (daemonPid != null) {
            daemons.add(daemonPid); // killed after the test whatever happens below
        }

        assertThat(launched).as("launcher exit code; %s", launcher).isEqualTo(0);
        assertThat(daemonPid).as("pid file %s", pidFile).isNotNull();
        assertThat(daemonPid).as("the daemon is not the launcher").isNotEqualTo(launcher.process.pid());
        Optional<ProcessHandle> daemon = ProcessHandle.of(daemonPid);
        assertThat(daemon).as("daemon %d", daemonPid).isPresent();
        assertThat(daemon.get().isAlive()).isTrue();
        assertThat(launcher.out()).contains("running in the background as pid " + daemonPid);

        assertThat(get(port, "/test/fast").statusCode()).isEqualTo(200);
        String log = Files.readString(logFile, StandardCharsets.UTF_8);
        assertThat(log).contains("loopwork listening on 0.0.0.0:" + port).containsPattern(POOL_MEMORY);

        Server second = start(dir, args);
        int secondCode = second.awaitExit(Duration.ofSeconds(30));
        assertThat(secondCode).as("second launcher; %s", second).isNotEqualTo(0);
        assertThat(second.err()).contains("already running").contains(String.valueOf(daemonPid));
        assertThat(readPid(pidFile)).as("the running daemon keeps its pid file").isEqualTo(daemonPid);
        assertThat(daemon.get().isAlive()).isTrue();

        daemon.get().destroy(); // SIGTERM
        long deadline = System.nanoTime() + EXIT_TIMEOUT.toNanos();
        while (daemon.get().isAlive() && System.nanoTime() - deadline < 0) {
            Thread.sleep(20);
        }
        assertThat(daemon.get().isAlive()).as("daemon gone within %s of SIGTERM", EXIT_TIMEOUT).isFalse();
        assertThat(pidFile).as("pid file removed on exit").doesNotExist();
    }

    /**
     * A launcher whose command line is longer than a page (4 KB): long JVM options, or a long class path
     * in a deep directory. The daemon must still get the program's options.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS) // beyond the launcher's own minute, so that its exit code decides
    void daemonKeepsItsOptionsWhenTheCommandLineIsLong() throws Exception {
        int port = FreePort.pick();
        Path pidFile = dir.resolve("long.pid");
        Path logFile = dir.resolve("long.log");
        List<String> longOption = List.of("-Dloopwork.process.test.padding=" + "x".repeat(5000));

        Server launcher = start(longOption, dir, "-d", "-p", String.valueOf(port), "--pid-file", "long.pid",
                "--log-file", "long.log", "-A", "1", "-C", "100");
        // A launcher that cannot see its daemon start gives up after its own minute and exits 1: the exit code, not
        // a race against the machine's load, tells the two apart (a normal start takes about 1 s on a quiet machine).
        boolean returned = launcher.process.waitFor(Daemon.START_TIMEOUT_MS + 10_000, TimeUnit.MILLISECONDS);
        Long daemonPid = readPid(pidFile);
        if (daemonPid != null) {
            daemons.add(daemonPid);
        }
        String log = Files.exists(logFile) ? Files.readString(logFile, StandardCharsets.UTF_8) : "";

        assertThat(returned).as("launcher returned; %s%nlog:%n%s", launcher, log).isTrue();
        assertThat(launcher.process.exitValue()).as("%s%nlog:%n%s", launcher, log).isEqualTo(0);
        assertThat(daemonPid).as("pid file").isNotNull();
        assertThat(log).contains("loopwork listening on 0.0.0.0:" + port).contains("accept threads: 1 (");
        assertThat(get(port, "/test/fast").statusCode()).isEqualTo(200);
    }

    // ---- e. bind failures

    @Test
    void unbindableAddressExitsWithOneNamingIt() throws Exception {
        Server server = start(dir, "--host", "203.0.113.1", "-p", String.valueOf(FreePort.pick()),
                "-A", "1", "-C", "10");

        int code = server.awaitExit(START_TIMEOUT);

        assertThat(code).as("%s", server).isEqualTo(1);
        assertThat(server.err()).contains("203.0.113.1");
        assertThat(server.output()).doesNotContain("listening");
    }

    @Test
    void portTakenByAnotherProgramExitsWithOneNamingIt() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0)); // no SO_REUSEPORT
            int port = taken.getLocalPort();

            Server server = start(dir, "-p", String.valueOf(port), "-A", "1", "-C", "10");
            int code = server.awaitExit(START_TIMEOUT);

            assertThat(code).as("%s", server).isEqualTo(1);
            assertThat(server.err()).contains(String.valueOf(port));
            assertThat(server.output()).doesNotContain("listening");
        }
    }

    /** bin/loopwork, bench/jmh.sh and the tests take their JVM flags from bin/jvm.options, and from nowhere else. */
    @Test
    void everyLauncherTakesItsJvmFlagsFromTheOneFile() throws IOException {
        Path root = JvmOptions.root();
        String options = Files.readString(root.resolve("bin/jvm.options"), StandardCharsets.UTF_8);
        assertThat(options).contains("--enable-native-access=loopwork.core", "-XX:+UseCompactObjectHeaders",
                "-XX:CompileCommand=dontinline,loopwork.core.epoll.*::*", "-XX:AutoBoxCacheMax=262144");
        for (String launcher : List.of("bin/loopwork", "bench/jmh.sh", "pom.xml")) {
            String text = Files.readString(root.resolve(launcher), StandardCharsets.UTF_8);
            assertThat(text).as(launcher).contains("bin/jvm.options").doesNotContain("AutoBoxCacheMax=",
                    "UseCompactObjectHeaders", "dontinline", "--enable-native-access");
        }
        assertThat(ManagementFactory.getRuntimeMXBean().getInputArguments()).as("this test JVM's flags")
                .contains("-XX:AutoBoxCacheMax=262144", "-XX:+UseCompactObjectHeaders");
    }

    // ---- helpers

    /** A started JVM with its output in files. */
    private record Server(Process process, Path outFile, Path errFile) {

        String out() throws IOException {
            return Files.readString(outFile, StandardCharsets.UTF_8);
        }

        /** Stdout, then stderr, where the log (the start-up report among it) goes. */
        String output() throws IOException {
            return out() + err();
        }

        String err() throws IOException {
            return Files.readString(errFile, StandardCharsets.UTF_8);
        }

        /** The {@link #output()} once it matches, failing early if the process exits first. */
        String awaitOut(Pattern pattern, Duration timeout) throws IOException, InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                String text = output();
                if (pattern.matcher(text).find()) {
                    return text;
                }
                if (!process.isAlive()) {
                    fail("exited with %d before printing %s; %s", process.exitValue(), pattern, this);
                }
                if (System.nanoTime() - deadline >= 0) {
                    fail("no %s in the output within %s; %s", pattern, timeout, this);
                }
                Thread.sleep(20);
            }
        }

        int awaitExit(Duration timeout) throws InterruptedException {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                fail("still running after %s; %s", timeout, this);
            }
            return process.exitValue();
        }

        @Override
        public String toString() {
            try {
                return "pid " + process.pid() + (process.isAlive() ? " (running)" : " (exit " + process.exitValue()
                        + ")") + ", stdout:\n" + out() + "\nstderr:\n" + err();
            } catch (IOException e) {
                return "pid " + process.pid() + " (output unreadable: " + e + ")";
            }
        }
    }

    private Server start(Path workingDirectory, String... args) throws IOException {
        return start(List.of(), workingDirectory, args);
    }

    private Server start(List<String> jvmOptions, Path workingDirectory, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(javaBinary(), marker, JvmOptions.argument()));
        command.addAll(jvmOptions);
        String epoll = System.getProperty(Transport.EPOLL_PROPERTY); // the NIO run of the suite passes it on
        if (epoll != null) {
            command.add("-D" + Transport.EPOLL_PROPERTY + "=" + epoll);
        }
        command.addAll(JvmOptions.serverMain());
        // No admin listener: the processes of a run (daemons left behind by a failed test, too) would contend for
        // its default port, and the one that lost would warn on stderr. AdminListenerTest covers it.
        command.addAll(List.of("--admin-port", "0"));
        command.addAll(List.of(args));
        String name = "jvm-" + processes.size();
        Path out = dir.resolve(name + ".out");
        Path err = dir.resolve(name + ".err");
        ProcessBuilder builder = new ProcessBuilder(command).directory(workingDirectory.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().remove(Daemon.CHILD_ENV);
        Process process = builder.start();
        processes.add(process);
        return new Server(process, out, err);
    }

    private static String javaBinary() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build()) {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(5)).GET().build();
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        }
    }

    private static Long readPid(Path pidFile) throws IOException {
        if (!Files.exists(pidFile)) {
            return null;
        }
        String text = Files.readString(pidFile, StandardCharsets.US_ASCII).trim();
        assertThat(text).as("pid file %s", pidFile).matches("\\d+");
        return Long.parseLong(text);
    }

    private static long residentKb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        throw new AssertionError("no VmRSS in /proc/" + pid + "/status");
    }

    private static long number(String withCommas) {
        return Long.parseLong(withCommas.replace(",", ""));
    }
}
