package loopwork.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The program's log, from real processes: one line per record on stderr (time, level, thread, logger,
 * message), the start-up report at INFO and nothing on stdout, a stop logged to its end, nothing per request
 * at INFO, each connection at DEBUG, {@code --log-level warn} keeping only warnings (an unknown LOOPWORK_
 * variable), and options from the environment with flags winning.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LogTest {

    /** {@code 2026-12-07T18:34:40.123Z INFO  [main] loopwork.server: message} */
    private static final Pattern LINE = Pattern.compile(
            "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) (ERROR|WARN |INFO |DEBUG|TRACE) "
                    + "\\[[^\\]]+\\] [\\w.]+: .*");

    @TempDir
    Path dir;

    @Test
    void logsTheReportAndTheStopOneLineEachOnStderrAndNothingPerRequest() throws Exception {
        int port = FreePort.pick();
        try (ServerProcess server = ServerProcess.server(dir, Map.of(), "-p", String.valueOf(port), "-A", "1",
                "-C", "100")) {
            String log = server.awaitErr(ServerProcess.LISTENING, ServerProcess.START_TIMEOUT);

            assertThat(log).contains(" INFO  [main] loopwork.server: loopwork listening on 0.0.0.0:" + port)
                    .contains("loopwork.server: accept threads: 1 (");
            assertThat(log.lines()).allMatch(line -> LINE.matcher(line).matches());
            for (int i = 0; i < 20; i++) {
                assertThat(ServerProcess.get(port, "/test/fast").statusCode()).isEqualTo(200);
            }
            assertThat(server.err()).as("nothing logged per request at info").isEqualTo(log);

            assertThat(server.stop()).as("a drain that finished exits 0").isZero();
            String all = server.err();
            assertThat(all).contains("INFO  [SIGTERM handler] loopwork.server: SIGTERM: draining")
                    .containsPattern("INFO  \\[main\\] loopwork.server: drained in \\d+ ms")
                    .contains("INFO  [main] loopwork.server: stopped");
            assertThat(all.lines()).allMatch(line -> LINE.matcher(line).matches());
            assertThat(server.out()).as("stdout").isEmpty();
        }
    }

    @Test
    void debugLogsEachConnectionAndWarnKeepsOnlyWarnings() throws Exception {
        int port = FreePort.pick();
        try (ServerProcess debug = ServerProcess.server(dir, Map.of(), "-p", String.valueOf(port), "-A", "1",
                "-C", "100", "--log-level", "debug", "--defer-accept", "0")) {
            debug.awaitErr(ServerProcess.LISTENING, ServerProcess.START_TIMEOUT);
            assertThat(ServerProcess.get(port, "/test/fast").statusCode()).isEqualTo(200);

            debug.awaitErr(Pattern.compile("DEBUG \\[[^\\]]+\\] loopwork.kit: .*connection \\d+ open"),
                    ServerProcess.START_TIMEOUT);
        }
        int quietPort = FreePort.pick();
        Path pidFile = dir.resolve("quiet.pid");
        try (ServerProcess quiet = ServerProcess.server(dir, Map.of("LOOPWORK_PROT", "9000"), "-p",
                String.valueOf(quietPort), "-A", "1", "-C", "100", "--log-level", "warn", "--pid-file",
                pidFile.toString())) {
            quiet.awaitFile(pidFile, ServerProcess.START_TIMEOUT); // written once it listens; nothing says so at warn
            String log = quiet.err();
            assertThat(ServerProcess.get(quietPort, "/test/fast").statusCode()).as("serves; %s", quiet).isEqualTo(200);

            assertThat(log).contains(" WARN  [main] loopwork.server: ignoring the environment variable LOOPWORK_PROT");
            assertThat(quiet.err()).doesNotContain(" INFO ", "listening");
        }
    }

    @Test
    void optionsComeFromTheEnvironmentAndFlagsWin() throws Exception {
        int port = FreePort.pick();
        try (ServerProcess server = ServerProcess.server(dir, Map.of("LOOPWORK_PORT", String.valueOf(port),
                "LOOPWORK_ACCEPT_THREADS", "3", "LOOPWORK_ACCEPT_CAPACITY", "100", "LOOPWORK_WORKER_THREADS", "5"),
                "-A", "2")) {
            String log = server.awaitErr(ServerProcess.LISTENING, ServerProcess.START_TIMEOUT);

            assertThat(log).contains("listening on 0.0.0.0:" + port).contains("accept threads: 2 (")
                    .contains("worker threads: 5").contains("100 contexts per thread");
            assertThat(ServerProcess.get(port, "/test/fast").statusCode()).isEqualTo(200);
        }
        try (ServerProcess bad = ServerProcess.server(dir, Map.of("LOOPWORK_MAX_HEAD", "1k"))) {
            assertThat(bad.awaitExit(ServerProcess.START_TIMEOUT)).isEqualTo(2);
            assertThat(bad.err()).contains("--max-head", "256..1048576", "LOOPWORK_MAX_HEAD='1k'");
        }
    }
}
