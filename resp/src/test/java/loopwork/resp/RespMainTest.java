package loopwork.resp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** bin/resp's program: its command line's errors, and the drain on SIGTERM, run as a process. */
class RespMainTest {

    @Test
    void aBadOptionNamesItselfAndItsRangeAndExitsWith2() throws Exception {
        assertThat(errorOf("--port", "70000")).contains("--port: 70000 is out of range; 0..65,535");
        assertThat(errorOf("-A", "x")).contains("--accept-threads: 'x' is not a number; 1..1,024");
        assertThat(errorOf("--input-bytes")).contains("--input-bytes needs a value: 256..1,048,576");
        assertThat(errorOf("--nope")).contains("unknown option '--nope'");
        assertThat(errorOf("-A", "2")).contains("--accept-threads above 1 needs --keys workers");
        assertThat(errorOf("--keys", "disk")).contains("--keys: 'disk' is neither loop nor workers");
    }

    private static String errorOf(String... args) throws InterruptedException {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = RespMain.run(args, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true,
                StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(2);
        return err.toString(StandardCharsets.UTF_8);
    }

    /**
     * SIGTERM: a command under way (DEBUG SLEEP, on a worker) gets its answer, then its connection closes; an idle
     * one closes at once; the program says it drained and exits with 0.
     */
    @Test
    void sigtermDrainsAndExitsWith0() throws Exception {
        Path classes = Path.of("target/classes").toAbsolutePath();
        Path core = Path.of("../core/target/classes").toAbsolutePath();
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "@" + Path.of("../bin/jvm.options").toAbsolutePath(), "-p", classes + ":" + core,
                "-m", "loopwork.resp/loopwork.resp.RespMain", "--port", "0"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line = out.readLine();
            Matcher listening = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)").matcher(String.valueOf(line));
            assertThat(listening.find()).as(line).isTrue();
            int port = Integer.parseInt(listening.group(1));
            try (Socket idle = new Socket("127.0.0.1", port); Socket busy = new Socket("127.0.0.1", port)) {
                idle.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(new String(idle.getInputStream().readNBytes(7), StandardCharsets.US_ASCII))
                        .isEqualTo("+PONG\r\n");
                // One segment, one read: ECHO's answer shows that the loop has the sleep too, and is handing it off.
                busy.getOutputStream().write("ECHO x\r\nDEBUG SLEEP 0.5\r\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(new String(busy.getInputStream().readNBytes(7), StandardCharsets.US_ASCII))
                        .isEqualTo("$1\r\nx\r\n");
                process.toHandle().destroy(); // SIGTERM (Process.destroy would close our end of its output)
                assertThat(idle.getInputStream().read()).as("the idle connection closed").isEqualTo(-1);
                assertThat(new String(busy.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
                        .as("the sleeping command answered, then closed").isEqualTo("+OK\r\n");
            }
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            StringBuilder all = new StringBuilder();
            for (String l = out.readLine(); l != null; l = out.readLine()) {
                all.append(l).append('\n');
            }
            assertThat(process.exitValue()).as(all.toString()).isZero();
            assertThat(all.toString()).contains("drained in").contains("stopped");
        } finally {
            process.destroyForcibly();
        }
    }
}
