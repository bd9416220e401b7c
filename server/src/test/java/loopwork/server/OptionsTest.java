package loopwork.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import picocli.CommandLine;

/**
 * The command line through {@link Main#run}: every bad option returns 2 before anything starts, with a
 * message on stderr that names the option and its valid range; help and version return 0.
 *
 * <p>Each call runs on a helper thread with a timeout, so a bad option that wrongly starts a server (which
 * would block in {@code run} until a shutdown) fails the test instead of hanging it.
 */
class OptionsTest {

    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(10);

    /** Every option name, long and short, that the usage text must list. */
    private static final List<String> OPTION_NAMES = List.of("-p", "--port", "--host", "-A", "--accept-threads",
            "-C", "--accept-capacity", "-w", "--worker-threads", "-D", "--slow-duration", "--task-slots", "-v",
            "--verbose", "--log-level", "-d", "--daemonize", "--pid-file", "--log-file", "-?", "--help", "--version",
            "--admin-port", "--admin-host", "--drain-timeout", "--drain-delay", "--sync-threads");

    private static ExecutorService runner;

    @BeforeAll
    static void startRunner() {
        runner = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "options-test-run");
            thread.setDaemon(true); // a run that wrongly started a server must not keep the test JVM alive
            return thread;
        });
    }

    @AfterAll
    static void stopRunner() {
        runner.shutdownNow();
    }

    /** What one call of {@link Main#run} returned and printed. */
    record Result(int code, String out, String err) {
    }

    private static Result run(String... args) throws InterruptedException, ExecutionException {
        return runWith(Map.of(), args);
    }

    /** {@link Main#run} with {@code environment} as the process's environment. */
    private static Result runWith(Map<String, String> environment, String... args)
            throws InterruptedException, ExecutionException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        Future<Integer> code = runner.submit(() -> Main.run(args, environment, outStream, errStream));
        try {
            int exit = code.get(RUN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } catch (TimeoutException e) {
            code.cancel(true);
            throw new AssertionError("Main.run(" + List.of(args) + ") did not return within " + RUN_TIMEOUT
                    + " (did it start a server?); stdout: " + out.toString(StandardCharsets.UTF_8) + " stderr: "
                    + err.toString(StandardCharsets.UTF_8), e);
        }
    }

    static Stream<Arguments> badOptions() {
        List<Arguments> cases = new ArrayList<>();
        // option as given, value (null: the value is missing), option named in the message, valid range
        for (String name : List.of("--port", "-p")) {
            for (String value : new String[] {"0", "65536", "abc", "-5", "99999999999999999999", null}) {
                cases.add(bad(name, value, "--port", "1..65535"));
            }
        }
        for (String name : List.of("--accept-threads", "-A")) {
            for (String value : new String[] {"0", "1025", "x", null}) {
                cases.add(bad(name, value, "--accept-threads", "1..1024"));
            }
        }
        for (String name : List.of("--accept-capacity", "-C")) {
            for (String value : new String[] {"0", "1000001", "1e3", null}) {
                cases.add(bad(name, value, "--accept-capacity", "1..1000000"));
            }
        }
        for (String name : List.of("--worker-threads", "-w")) {
            for (String value : new String[] {"-1", "1025", "x", null}) {
                cases.add(bad(name, value, "--worker-threads", "0..1024"));
            }
        }
        for (String name : List.of("--slow-duration", "-D")) {
            for (String value : new String[] {"-1", "3600001", "1.5", null}) {
                cases.add(bad(name, value, "--slow-duration", "0..3600000"));
            }
        }
        for (String value : new String[] {"3", "0", "1", "131072", "-2", "100", "two", null}) {
            cases.add(bad("--task-slots", value, "--task-slots", "2..65536"));
        }
        for (String value : new String[] {"kqueue", "EPOLL", "", null}) {
            cases.add(bad("--transport", value, "--transport", "epoll|nio"));
        }
        for (String value : new String[] {"fast", "", null}) {
            cases.add(bad("--slow-mode", value, "--slow-mode", "task|sync|async"));
        }
        for (String value : new String[] {"virtual-threads", "PLATFORM", "", null}) {
            cases.add(bad("--sync-threads", value, "--sync-threads", "platform|virtual"));
        }
        for (String value : new String[] {"verbose", "WARN", "", null}) {
            cases.add(bad("--log-level", value, "--log-level", "error|warn|info|debug"));
        }
        for (String value : new String[] {"-1", "3601", "1s", "AUTO", "auto1", null}) {
            cases.add(bad("--defer-accept", value, "--defer-accept", "0..3600"));
        }
        String[][] limits = {{"--max-head", "256", "1048576"}, {"--max-target", "16", "65536"},
            {"--max-body", "0", "1073741824"}, {"--header-timeout", "100", "3600000"},
            {"--idle-timeout", "100", "86400000"}, {"--write-timeout", "100", "3600000"},
            {"--handoff-min-rate", "0", "1073741824"}, {"--queue-timeout", "1", "3600000"},
            {"--drain-timeout", "0", "3600"}, {"--drain-delay", "0", "3600"},
            {"--body-buffers", "0", "4096"}, {"--large-body-buffers", "0", "1024"}};
        for (String[] limit : limits) {
            String below = String.valueOf(Long.parseLong(limit[1]) - 1);
            String above = String.valueOf(Long.parseLong(limit[2]) + 1);
            for (String value : new String[] {below, above, "1k", null}) {
                cases.add(bad(limit[0], value, limit[0], limit[1] + ".." + limit[2]));
            }
        }
        cases.add(Arguments.of(List.of("--transport", "nio", "--defer-accept", "1"), "--defer-accept",
                "--transport epoll"));
        cases.add(bad("--host", "", "--host", "address"));
        cases.add(bad("--host", "   ", "--host", "address"));
        cases.add(bad("--host", null, "--host", "address"));
        for (String value : new String[] {"-1", "65536", "admin", null}) {
            cases.add(bad("--admin-port", value, "--admin-port", "0..65535"));
        }
        cases.add(bad("--admin-host", "", "--admin-host", "address"));
        return cases.stream();
    }

    private static Arguments bad(String option, String value, String named, String range) {
        String[] args = value == null ? new String[] {option} : new String[] {option, value};
        return Arguments.of(List.of(args), named, range);
    }

    @ParameterizedTest(name = "{0} -> exit 2 naming {1} and {2}")
    @MethodSource("badOptions")
    void badValueIsAUsageErrorNamingTheOptionAndItsRange(List<String> args, String option, String range)
            throws Exception {
        Result result = run(args.toArray(String[]::new));

        assertThat(result.code()).as("exit code of %s; stderr: %s", args, result.err()).isEqualTo(Main.USAGE);
        assertThat(result.err()).as("stderr of %s", args).contains(option).contains(range)
                .contains("loopwork --help");
        assertThat(result.out()).as("stdout of %s: nothing starts", args).isEmpty();
    }

    @ParameterizedTest(name = "{0} among good options -> exit 2")
    @MethodSource("badOptions")
    void badValueAmongGoodOnesIsStillAUsageError(List<String> args, String option, String range)
            throws Exception {
        List<String> all = new ArrayList<>(args); // first, so that a missing value meets the next option
        List<List<String>> good = List.of(List.of("--host", "127.0.0.1"), List.of("--accept-threads", "1"),
                List.of("--accept-capacity", "10"), List.of("--worker-threads", "0"),
                List.of("--slow-duration", "0"), List.of("--task-slots", "2"), List.of("--port", "1"));
        for (List<String> pair : good) {
            if (!pair.getFirst().equals(option)) {
                all.addAll(pair);
            }
        }

        Result result = run(all.toArray(String[]::new));

        assertThat(result.code()).as("exit code of %s; stderr: %s", all, result.err()).isEqualTo(Main.USAGE);
        assertThat(result.err()).as("stderr of %s", all).contains(option).contains(range);
        assertThat(result.out()).isEmpty();
    }

    @Test
    void optionGivenTwiceIsAUsageError() throws Exception {
        Result result = run("-p", "9001", "--port", "9002");

        assertThat(result.code()).as("stderr: %s", result.err()).isEqualTo(Main.USAGE);
        assertThat(result.err()).contains("--port");
        assertThat(result.out()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"--port=0", "-p=65536", "-A=0", "--task-slots=3", "-p0"})
    void attachedValuesAreCheckedToo(String arg) throws Exception {
        Result result = run(arg);

        assertThat(result.code()).as("stderr: %s", result.err()).isEqualTo(Main.USAGE);
        assertThat(result.err()).containsPattern("\\d+\\.\\.\\d+");
        assertThat(result.out()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"--nope", "-x", "--port-number"})
    void unknownOptionIsAUsageErrorNamingIt(String option) throws Exception {
        Result result = run("-p", "9000", option);

        assertThat(result.code()).as("stderr: %s", result.err()).isEqualTo(Main.USAGE);
        assertThat(result.err()).contains(option).contains("loopwork --help");
        assertThat(result.out()).isEmpty();
    }

    @Test
    void unexpectedPositionalArgumentIsAUsageErrorNamingIt() throws Exception {
        Result result = run("-p", "9000", "serve-now");

        assertThat(result.code()).as("stderr: %s", result.err()).isEqualTo(Main.USAGE);
        assertThat(result.err()).contains("serve-now").contains("loopwork --help");
        assertThat(result.out()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"-?", "--help"})
    void helpListsEveryOptionAndReturnsZero(String flag) throws Exception {
        Result result = run(flag);

        assertThat(result.code()).isEqualTo(Main.OK);
        assertThat(result.err()).isEmpty();
        assertThat(result.out()).startsWith("Usage: loopwork");
        for (String name : OPTION_NAMES) {
            assertThat(result.out()).as("usage lists %s", name).containsPattern("(^|[\\s,\\[])"
                    + java.util.regex.Pattern.quote(name) + "([\\s,=\\]]|$)");
        }
        // every option the parser knows, in case one is added without updating OPTION_NAMES
        for (CommandLine.Model.OptionSpec spec : new CommandLine(new ServerOptions()).getCommandSpec().options()) {
            for (String name : spec.names()) {
                assertThat(result.out()).as("usage lists %s", name).contains(name);
            }
        }
        // and the ranges the error messages point at
        assertThat(result.out()).contains("1..65535", "1..1024", "1..1000000", "0..1024", "0..3600000", "2..65536");
    }

    @Test
    void helpWinsOverOtherwiseGoodOptions() throws Exception {
        Result result = run("-p", "9000", "-A", "1", "--help");

        assertThat(result.code()).isEqualTo(Main.OK);
        assertThat(result.out()).startsWith("Usage: loopwork");
    }

    @Test
    void versionPrintsTheNameAndReturnsZero() throws Exception {
        Result result = run("--version");

        assertThat(result.code()).isEqualTo(Main.OK);
        assertThat(result.err()).isEmpty();
        assertThat(result.out()).startsWith("loopwork ").contains("Java " + Runtime.version().feature());
    }

    // ---- the environment

    static Stream<Arguments> badEnvironmentValues() {
        return badOptions().filter(arguments -> {
            List<?> args = (List<?>) arguments.get()[0];
            return args.size() == 2 && ((String) args.get(0)).startsWith("--") && !((String) args.get(1)).isEmpty();
        });
    }

    @ParameterizedTest(name = "{0} from the environment -> exit 2 naming the variable, {1} and {2}")
    @MethodSource("badEnvironmentValues")
    void badValueFromTheEnvironmentIsAUsageErrorNamingTheVariableTheOptionAndItsRange(List<String> args,
            String option, String range) throws Exception {
        String variable = "LOOPWORK_" + args.getFirst().substring(2).replace('-', '_').toUpperCase(Locale.ROOT);

        Result result = runWith(Map.of(variable, args.get(1)));

        assertThat(result.code()).as("exit code with %s=%s; stderr: %s", variable, args.get(1), result.err())
                .isEqualTo(Main.USAGE);
        assertThat(result.err()).contains(option).contains(range).contains(variable + "='" + args.get(1) + "'")
                .contains("loopwork --help");
        assertThat(result.out()).isEmpty();
    }

    @Test
    void badBooleanFromTheEnvironmentNamesTheVariable() throws Exception {
        Result result = runWith(Map.of("LOOPWORK_VERBOSE", "yes"));

        assertThat(result.code()).as("stderr: %s", result.err()).isEqualTo(Main.USAGE);
        assertThat(result.err()).contains("--verbose").contains("LOOPWORK_VERBOSE='yes'");
    }

    @Test
    void aFlagWinsOverTheEnvironment() throws Exception {
        Result result = runWith(Map.of("LOOPWORK_PORT", "0"), "--port", "70000");

        assertThat(result.code()).isEqualTo(Main.USAGE);
        assertThat(result.err()).contains("--port").contains("got 70000").doesNotContain("LOOPWORK_PORT");
    }

    @Test
    void everyOptionComesFromItsVariableUnlessAFlagGivesIt() throws Exception {
        Map<String, String> environment = Map.of("LOOPWORK_PORT", "9100", "LOOPWORK_ACCEPT_THREADS", "3",
                "LOOPWORK_MAX_HEAD", "8192", "LOOPWORK_VERBOSE", "true", "LOOPWORK_SLOW_MODE", "sync",
                "LOOPWORK_HOST", "127.0.0.1", "LOOPWORK_WORKER_THREADS", "", "LOOPWORK_PID_FILE", "x.pid",
                "LOOPWORK_SYNC_THREADS", "platform");

        ServerOptions.Settings settings = settings(environment, "-A", "2", "--max-head=1024");

        assertThat(settings.port()).isEqualTo(9100);
        assertThat(settings.host()).isEqualTo("127.0.0.1");
        assertThat(settings.slowMode()).isEqualTo(LoopworkServer.SlowMode.SYNC);
        assertThat(settings.syncThreads()).isEqualTo(loopwork.core.SyncThreads.PLATFORM);
        assertThat(settings(Map.of()).syncThreads()).as("the default").isEqualTo(loopwork.core.SyncThreads.VIRTUAL);
        assertThat(settings.verbose()).isTrue();
        assertThat(settings.pidFile()).hasToString("x.pid");
        assertThat(settings.acceptThreads()).as("-A wins over LOOPWORK_ACCEPT_THREADS").isEqualTo(2);
        assertThat(settings.maxHead()).as("--max-head= wins over LOOPWORK_MAX_HEAD").isEqualTo(1024);
        assertThat(settings.workerThreads()).as("an empty variable is unset: as many as accept threads")
                .isEqualTo(2);
    }

    @Test
    void everyOptionHasItsOwnVariableAndHelpSaysSo() throws Exception {
        List<String> variables = new ArrayList<>();
        for (CommandLine.Model.OptionSpec spec : new CommandLine(new ServerOptions()).getCommandSpec().options()) {
            variables.add(EnvironmentDefaults.variable(spec));
        }
        assertThat(variables).doesNotHaveDuplicates().contains("LOOPWORK_PORT", "LOOPWORK_MAX_HEAD",
                "LOOPWORK_ACCEPT_THREADS", "LOOPWORK_LOG_FILE", "LOOPWORK_DEFER_ACCEPT");
        assertThat(run("--help").out()).contains("LOOPWORK_PORT", "LOOPWORK_MAX_HEAD", "command line wins");
    }

    @Test
    void logLevelComesFromTheEnvironmentAndVerboseMakesItDebug() throws Exception {
        assertThat(logLevel(Map.of())).isEqualTo(System.Logger.Level.INFO);
        assertThat(logLevel(Map.of("LOOPWORK_LOG_LEVEL", "warn"))).isEqualTo(System.Logger.Level.WARNING);
        assertThat(logLevel(Map.of("LOOPWORK_LOG_LEVEL", "warn"), "--log-level", "error"))
                .isEqualTo(System.Logger.Level.ERROR);
        assertThat(logLevel(Map.of("LOOPWORK_VERBOSE", "true"))).isEqualTo(System.Logger.Level.DEBUG);
        assertThat(logLevel(Map.of(), "-v", "--log-level", "warn")).isEqualTo(System.Logger.Level.DEBUG);
    }

    private static ServerOptions.Settings settings(Map<String, String> environment, String... args)
            throws OptionError {
        return parsed(environment, args).resolve();
    }

    private static System.Logger.Level logLevel(Map<String, String> environment, String... args)
            throws OptionError {
        return parsed(environment, args).logLevel();
    }

    private static ServerOptions parsed(Map<String, String> environment, String... args) {
        ServerOptions options = new ServerOptions();
        new CommandLine(options).setDefaultValueProvider(new EnvironmentDefaults(environment)).parseArgs(args);
        return options;
    }

    /** The body buffers of each class: the defaults, or what the command line or the environment says. */
    @Test
    void bodyBufferCountsHaveDefaultsAndComeFromTheCommandLine() throws Exception {
        ServerOptions.Settings defaults = settings(Map.of());
        assertThat(defaults.bodyBuffers()).isEqualTo(128);
        assertThat(defaults.largeBodyBuffers()).isEqualTo(4);
        ServerOptions.Settings asked = settings(Map.of("LOOPWORK_LARGE_BODY_BUFFERS", "0"), "--body-buffers", "7");
        assertThat(asked.bodyBuffers()).isEqualTo(7);
        assertThat(asked.largeBodyBuffers()).isZero();
        assertThat(run("--help").out()).contains("--body-buffers", "8.5 MiB per loop", "--large-body-buffers");
    }

    /** The admin listener: on 127.0.0.1:9090 unless told, off with 0, and required only when asked for. */
    @Test
    void theAdminListenerIsOnLoopbackByDefaultAndOffWithZero() throws Exception {
        assertThat(new ServerOptions().resolve().admin()).isEqualTo(new ServerOptions.Admin("127.0.0.1", 9090, false));
        ServerOptions asked = new ServerOptions();
        new CommandLine(asked).parseArgs("--admin-port", "9191", "--admin-host", "0.0.0.0");
        assertThat(asked.resolve().admin()).isEqualTo(new ServerOptions.Admin("0.0.0.0", 9191, true));
        ServerOptions off = new ServerOptions();
        new CommandLine(off).parseArgs("--admin-port", "0");
        assertThat(off.resolve().admin()).isNull();
    }
}
