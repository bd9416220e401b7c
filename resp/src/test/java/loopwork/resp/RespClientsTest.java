package loopwork.resp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.SetParams;

/**
 * Real clients at the edge, on 127.0.0.1: Jedis (a Redis client library from Maven Central) and Debian's redis-cli
 * and redis-benchmark, which the tests skip, saying so, where redis-tools is not installed (bin/test installs it).
 * Every test ends with every pool full ({@link RespServer#close}).
 */
class RespClientsTest {

    @ParameterizedTest(name = "keys on the workers: {0}")
    @ValueSource(booleans = {false, true})
    void jedisUsesEveryCommand(boolean keysOnWorkers) throws Exception {
        try (RespServer server = RespServer.start(2, keysOnWorkers, 4096);
                Jedis jedis = new Jedis("127.0.0.1", server.port())) {
            assertThat(jedis.ping()).isEqualTo("PONG");
            assertThat(jedis.echo("hello")).isEqualTo("hello");
            assertThat(jedis.get("k")).isNull();
            assertThat(jedis.set("k", "v")).isEqualTo("OK");
            assertThat(jedis.get("k")).isEqualTo("v");
            assertThat(jedis.set("k", "w", SetParams.setParams().nx())).isNull();
            assertThat(jedis.set("k", "w", SetParams.setParams().xx().ex(100))).isEqualTo("OK");
            assertThat(jedis.ttl("k")).isEqualTo(100);
            assertThat(jedis.set("p", "x", SetParams.setParams().px(5000))).isEqualTo("OK");
            assertThat(jedis.pttl("p")).isBetween(1L, 5000L);
            assertThat(jedis.incr("n")).isEqualTo(1);
            assertThat(jedis.incrBy("n", 41)).isEqualTo(42);
            assertThat(jedis.decr("n")).isEqualTo(41);
            assertThat(jedis.decrBy("n", 1)).isEqualTo(40);
            assertThatThrownBy(() -> jedis.incr("k")).isInstanceOf(JedisDataException.class)
                    .hasMessage("ERR value is not an integer or out of range");
            assertThat(jedis.mset("a", "1", "b", "2")).isEqualTo("OK");
            assertThat(jedis.mget("a", "nothing", "b")).isEqualTo(Arrays.asList("1", null, "2"));
            assertThat(jedis.exists("a", "b", "nothing")).isEqualTo(2);
            assertThat(jedis.expire("a", 100)).isEqualTo(1);
            assertThat(jedis.ttl("a")).isEqualTo(100);
            assertThat(jedis.del("a", "b", "nothing")).isEqualTo(2);
            assertThat(jedis.dbSize()).isEqualTo(3); // k, p, n
            assertThat(jedis.info()).contains("redis_version:");
            assertThatThrownBy(() -> jedis.sendCommand(() -> "NOSUCH".getBytes(StandardCharsets.US_ASCII)))
                    .isInstanceOf(JedisDataException.class).hasMessageStartingWith("ERR unknown command 'NOSUCH'");
            assertThat(jedis.flushDB()).isEqualTo("OK");
            assertThat(jedis.dbSize()).isZero();
        }
    }

    @Test
    void jedisPipelinesAndAMegabyteValueGoesBothWays() throws Exception {
        try (RespServer server = RespServer.start(1, false, 1 << 20);
                Jedis jedis = new Jedis("127.0.0.1", server.port())) {
            Pipeline pipeline = jedis.pipelined();
            List<Response<String>> answers = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                pipeline.set("key" + i, "value" + i);
                answers.add(pipeline.get("key" + i));
            }
            pipeline.sync();
            for (int i = 0; i < 1000; i++) {
                assertThat(answers.get(i).get()).isEqualTo("value" + i);
            }
            byte[] value = new byte[1_000_000];
            for (int i = 0; i < value.length; i++) {
                value[i] = (byte) i;
            }
            assertThat(jedis.set("big".getBytes(StandardCharsets.US_ASCII), value)).isEqualTo("OK");
            assertThat(jedis.get("big".getBytes(StandardCharsets.US_ASCII))).isEqualTo(value);
            assertThat(jedis.ping()).isEqualTo("PONG");
        }
    }

    @Test
    void redisCliSpeaksToIt() throws Exception {
        assumeTrue(onPath("redis-cli"), "redis-cli is missing (Debian's redis-tools; bin/test installs it): skipped");
        try (RespServer server = RespServer.start(1, false, 4096)) {
            String port = String.valueOf(server.port());
            assertThat(run("redis-cli", "-p", port, "PING")).isEqualTo("PONG\n");
            assertThat(run("redis-cli", "-p", port, "SET", "k", "hello world")).isEqualTo("OK\n");
            assertThat(run("redis-cli", "-p", port, "GET", "k")).isEqualTo("hello world\n");
            assertThat(run("redis-cli", "-p", port, "INCRBY", "n", "5")).isEqualTo("5\n");
            assertThat(run("redis-cli", "-p", port, "MGET", "k", "nothing")).isEqualTo("hello world\n\n");
            assertThat(run("redis-cli", "-p", port, "NOSUCH")).startsWith("ERR unknown command 'NOSUCH'");
            assertThat(run("redis-cli", "-p", port, "GET")).startsWith(
                    "ERR wrong number of arguments for 'get' command\n");
            assertThat(run("redis-cli", "-p", port, "DEBUG", "SLEEP", "0.01")).isEqualTo("OK\n"); // a hand-off
            assertThat(run("redis-cli", "-p", port, "DBSIZE")).isEqualTo("2\n");
        }
    }

    @Test
    void redisBenchmarkRunsAgainstIt() throws Exception {
        assumeTrue(onPath("redis-benchmark"), "redis-benchmark is missing (Debian's redis-tools): skipped");
        try (RespServer server = RespServer.start(1, false, 4096)) {
            String out = run("redis-benchmark", "-p", String.valueOf(server.port()), "-t", "set,get", "-n", "2000",
                    "-c", "4", "-P", "4", "-q");
            assertThat(out).contains("SET: ").contains("GET: ").doesNotContain("ERROR").doesNotContain("WARNING");
        }
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    /** The program's output (stdout and stderr), within 60 s. */
    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        byte[] out = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("%s ended", List.of(command)).isTrue();
        return new String(out, StandardCharsets.UTF_8).replaceAll("\r", "");
    }
}
