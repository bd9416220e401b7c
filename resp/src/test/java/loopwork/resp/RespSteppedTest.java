package loopwork.resp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import loopwork.core.Kit;
import loopwork.core.ManualClient;
import loopwork.core.ManualKit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The protocol stepped on a {@link ManualKit} (no threads, a clock moved by hand), in the style of Undertow's
 * parser tests: every command, each request split at every byte boundary, pipelined, inline, and hostile input.
 * Two workers, so keys live in two shards (and, in {@link RespLoopKeysSteppedTest}, on the accept loop); every
 * test ends with every pool full.
 */
class RespSteppedTest {

    private ManualKit kit;

    /** Whether the keys live on the workers, two shards here; {@link RespLoopKeysSteppedTest} says no. */
    boolean keysOnWorkers() {
        return true;
    }

    private ManualKit kit(int inputBytes) throws IOException {
        kit = Kit.builder().acceptThreads(1).acceptCapacity(8).workerThreads(2).inputBufferBytes(inputBytes)
                .outputBufferBytes(4096).protocol(new RespProtocol(new RespLimits(16, 4), keysOnWorkers())).buildManual();
        return kit;
    }

    @AfterEach
    void poolsFull() {
        if (kit != null) {
            kit.runUntilIdle();
            kit.close();
            assertThat(kit.poolsFull()).as(kit.toString()).isTrue();
        }
    }

    /** Sends {@code request} whole and returns what came back once the kit is idle. */
    private static String exchange(ManualKit kit, ManualClient client, String request) {
        client.send(request);
        kit.runUntilIdle();
        return client.receivedAscii();
    }

    static String resp(String... args) {
        StringBuilder b = new StringBuilder("*").append(args.length).append("\r\n");
        for (String a : args) {
            b.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
        }
        return b.toString();
    }

    /** Every command with its answer, in order: a session run whole, and in the tests below split and pipelined. */
    static final String[][] SESSION = {
        {resp("PING"), "+PONG\r\n"},
        {resp("ping", "hello"), "$5\r\nhello\r\n"},
        {resp("ECHO", "a b"), "$3\r\na b\r\n"},
        {resp("GET", "k"), "$-1\r\n"},
        {resp("SET", "k", "v1"), "+OK\r\n"},
        {resp("GET", "k"), "$2\r\nv1\r\n"},
        {resp("SET", "k", "v2", "NX"), "$-1\r\n"},
        {resp("SET", "k2", "x", "XX"), "$-1\r\n"},
        {resp("SET", "k2", "x", "nx"), "+OK\r\n"},
        {resp("SET", "k", "v3", "XX", "EX", "100"), "+OK\r\n"},
        {resp("TTL", "k"), ":100\r\n"},
        {resp("PTTL", "k"), ":100000\r\n"},
        {resp("SET", "k", "v4"), "+OK\r\n"},
        {resp("TTL", "k"), ":-1\r\n"},
        {resp("TTL", "nothing"), ":-2\r\n"},
        {resp("EXISTS", "k", "k2", "nothing", "k"), ":3\r\n"},
        {resp("INCR", "n"), ":1\r\n"},
        {resp("INCRBY", "n", "41"), ":42\r\n"},
        {resp("DECR", "n"), ":41\r\n"},
        {resp("DECRBY", "n", "-9"), ":50\r\n"},
        {resp("INCR", "k"), "-ERR value is not an integer or out of range\r\n"},
        {resp("INCRBY", "n", "x"), "-ERR value is not an integer or out of range\r\n"},
        {resp("SET", "big", "9223372036854775807"), "+OK\r\n"},
        {resp("INCR", "big"), "-ERR increment or decrement would overflow\r\n"},
        {resp("MSET", "a", "1", "b", "2", "c", "3"), "+OK\r\n"},
        {resp("MGET", "a", "nothing", "c", "n"), "*4\r\n$1\r\n1\r\n$-1\r\n$1\r\n3\r\n$2\r\n50\r\n"},
        {resp("MSET", "a", "1", "b"), "-ERR wrong number of arguments for 'mset' command\r\n"},
        {resp("DBSIZE"), ":7\r\n"},
        {resp("EXPIRE", "a", "100"), ":1\r\n"},
        {resp("EXPIRE", "nothing", "100"), ":0\r\n"},
        {resp("EXPIRE", "b", "-1"), ":1\r\n"},
        {resp("DEL", "a", "b", "nothing"), ":1\r\n"},
        {resp("GET"), "-ERR wrong number of arguments for 'get' command\r\n"},
        {resp("GET", "a", "b"), "-ERR wrong number of arguments for 'get' command\r\n"},
        {resp("FOO", "x"), "-ERR unknown command 'FOO', with args beginning with: \r\n"},
        {resp("SET", "k", "v", "EX", "0"), "-ERR invalid expire time in 'set' command\r\n"},
        {resp("SET", "k", "v", "EX"), "-ERR syntax error\r\n"},
        {resp("SET", "k", "v", "NX", "XX"), "-ERR syntax error\r\n"},
        {resp("SET", "k", "v", "KEEPTTL"), "-ERR syntax error\r\n"},
        {resp("COMMAND"), "*0\r\n"},
        {resp("CONFIG", "GET", "save"), "*2\r\n$4\r\nsave\r\n$0\r\n\r\n"},
        {resp("CONFIG", "GET", "appendonly"), "*2\r\n$10\r\nappendonly\r\n$2\r\nno\r\n"},
        {resp("DEBUG", "SLEEP", "0"), "+OK\r\n"},
        {resp("DEBUG", "SLEEP", "x"), "-ERR timeout is not a float or out of range\r\n"},
        {resp("FLUSHDB"), "+OK\r\n"},
        {resp("DBSIZE"), ":0\r\n"},
        {"*0\r\n", ""},
        {"PING\r\n", "+PONG\r\n"},
        {"set inline  value\n", "+OK\r\n"},
        {"GET inline\r\n", "$5\r\nvalue\r\n"},
        {"\r\n", ""},
    };

    private static String requests() {
        StringBuilder b = new StringBuilder();
        for (String[] pair : SESSION) {
            b.append(pair[0]);
        }
        return b.toString();
    }

    private static String answers() {
        StringBuilder b = new StringBuilder();
        for (String[] pair : SESSION) {
            b.append(pair[1]);
        }
        return b.toString();
    }

    @Test
    void everyCommandAnswersAsRedisDoes() throws IOException {
        ManualKit kit = kit(4096);
        ManualClient client = kit.connect();
        for (String[] pair : SESSION) {
            assertThat(exchange(kit, client, pair[0])).as(pair[0]).isEqualTo(pair[1]);
        }
        assertThat(exchange(kit, client, resp("QUIT"))).isEqualTo("+OK\r\n");
        assertThat(client.isClosedByServer()).isTrue();
    }

    @Test
    void theWholeSessionPipelinedInOneSend() throws IOException {
        ManualKit kit = kit(4096);
        ManualClient client = kit.connect();
        assertThat(exchange(kit, client, requests())).isEqualTo(answers());
    }

    /** The whole session split in two at every byte, the halves stepped apart: the same answers each time. */
    @Test
    void theSessionSplitAtEveryByte() throws IOException {
        ManualKit kit = kit(4096);
        String requests = requests();
        String answers = answers();
        for (int split = 1; split < requests.length(); split++) {
            ManualClient client = kit.connect();
            assertThat(exchange(kit, client, resp("FLUSHDB"))).isEqualTo("+OK\r\n");
            client.send(requests.substring(0, split));
            kit.runUntilIdle();
            assertThat(exchange(kit, client, requests.substring(split))).as("split at %d", split).isEqualTo(answers);
            client.reset();
        }
    }

    @Test
    void aPipelineSentOneByteAtATime() throws IOException {
        ManualKit kit = kit(4096);
        ManualClient client = kit.connect();
        String requests = requests();
        for (int i = 0; i < requests.length(); i++) {
            client.send(requests.substring(i, i + 1));
            kit.runUntilIdle();
        }
        assertThat(client.receivedAscii()).isEqualTo(answers());
    }

    @Test
    void hostileInputIsAProtocolErrorAndACloseNeverAHang() throws IOException {
        ManualKit kit = kit(4096);
        String[][] cases = {
            {"*x\r\n", "-ERR Protocol error: invalid multibulk length\r\n"},
            {"*17\r\n", "-ERR Protocol error: invalid multibulk length\r\n"}, // over the limit of 16 arguments
            {"*99999999999999999999\r\n", "-ERR Protocol error: invalid multibulk length\r\n"},
            {"*1\r\n$-5\r\n", "-ERR Protocol error: invalid bulk length\r\n"},
            {"*1\r\n$x\r\n", "-ERR Protocol error: invalid bulk length\r\n"},
            {"*1\r\n$99999999999\r\n", "-ERR Protocol error: command larger than the input buffer (4096 bytes: "
                    + "bin/resp --input-bytes)\r\n"},
            {"*1\r\n:4\r\n", "-ERR Protocol error: expected '$'\r\n"},
            {"*1\r\n$4\r\nPINGxx", "-ERR Protocol error: expected CRLF after a bulk string\r\n"},
            {"*1111111111111111111111111111111", "-ERR Protocol error: invalid multibulk length\r\n"},
            {"*1\r\n$4444444444444444444444444444444", "-ERR Protocol error: invalid bulk length\r\n"},
            {"x".repeat(4096), "-ERR Protocol error: too big inline request\r\n"},
            {resp("PING") + "*1\r\n$-1\r\n", "+PONG\r\n-ERR Protocol error: invalid bulk length\r\n"},
        };
        for (String[] c : cases) {
            ManualClient client = kit.connect();
            assertThat(exchange(kit, client, c[0])).as(c[0]).isEqualTo(c[1]);
            assertThat(client.isClosedByServer()).as(c[0]).isTrue();
        }
        ManualClient negative = kit.connect();
        assertThat(exchange(kit, negative, "*-1\r\n" + resp("PING"))).isEqualTo("+PONG\r\n"); // a null array: skipped
        negative.reset();
    }

    /** A command as long as the input buffer allows is read in parts (awaitBytes), not parsed once per part. */
    @Test
    void aLargeValueSetInPartsAndAMegabyteGetSentThroughTheStage() throws IOException {
        ManualKit kit = kit(1 << 20);
        ManualClient client = kit.connect();
        String value = "v".repeat((1 << 20) - 64);
        String set = resp("SET", "big", value);
        for (int at = 0; at < set.length(); at += 1000) {
            client.send(set.substring(at, Math.min(set.length(), at + 1000)));
            kit.step();
        }
        kit.runUntilIdle();
        assertThat(client.receivedAscii()).isEqualTo("+OK\r\n");
        assertThat(exchange(kit, client, resp("EXISTS", "big") + resp("DBSIZE"))).isEqualTo(":1\r\n:1\r\n");
        client.window(10_000); // a slow reader: the answer waits in the stage, then goes as it reads
        client.send(resp("GET", "big") + resp("PING"));
        kit.runUntilIdle();
        StringBuilder got = new StringBuilder(client.receivedAscii());
        assertThat(got.length()).as(got.substring(0, Math.min(40, got.length()))).isEqualTo(10_000);
        client.window(Integer.MAX_VALUE);
        kit.runUntilIdle();
        got.append(client.receivedAscii());
        assertThat(got.toString()).isEqualTo("$" + value.length() + "\r\n" + value + "\r\n+PONG\r\n");
        assertThat(exchange(kit, client, resp("SET", "big", value + "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")))
                .startsWith("-ERR Protocol error: command larger than the input buffer");
    }

    @Test
    void keysExpireOnTheKitsClock() throws IOException {
        ManualKit kit = kit(4096);
        ManualClient client = kit.connect();
        assertThat(exchange(kit, client, resp("SET", "k", "v", "PX", "100") + resp("SET", "s", "v")
                + resp("EXPIRE", "s", "1"))).isEqualTo("+OK\r\n+OK\r\n:1\r\n");
        kit.advanceMs(99);
        assertThat(exchange(kit, client, resp("GET", "k") + resp("PTTL", "k"))).isEqualTo("$1\r\nv\r\n:1\r\n");
        kit.advanceMs(1);
        assertThat(exchange(kit, client, resp("GET", "k") + resp("EXISTS", "k") + resp("TTL", "s")))
                .isEqualTo("$-1\r\n:0\r\n:1\r\n");
        kit.advanceMs(900);
        assertThat(exchange(kit, client, resp("GET", "s"))).isEqualTo("$-1\r\n");
    }

    /** Keys nobody touches again are swept by the operations on others: DBSIZE comes down to the live ones. */
    @Test
    void expiredKeysAreSweptWithoutBeingRead() throws IOException {
        ManualKit kit = kit(4096);
        ManualClient client = kit.connect();
        StringBuilder sets = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            sets.append(resp("SET", "key" + i, "v", "PX", "10"));
        }
        exchange(kit, client, sets.toString());
        assertThat(exchange(kit, client, resp("SET", "live", "v") + resp("DBSIZE"))).isEqualTo("+OK\r\n:41\r\n");
        kit.advanceMs(10);
        assertThat(exchange(kit, client, resp("DBSIZE"))).isEqualTo(":41\r\n"); // not yet swept, as in Redis
        StringBuilder others = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            others.append(resp("GET", "other" + i)); // each shard sweeps as it serves: touch both
        }
        assertThat(exchange(kit, client, others.toString())).isEqualTo("$-1\r\n".repeat(100));
        assertThat(exchange(kit, client, resp("DBSIZE"))).isEqualTo(":1\r\n");
    }

    /** Two connections see one key space, whichever shard a key is in. */
    @Test
    void connectionsShareTheKeySpace() throws IOException {
        ManualKit kit = kit(4096);
        ManualClient one = kit.connect();
        ManualClient two = kit.connect();
        StringBuilder sets = new StringBuilder();
        StringBuilder gets = new StringBuilder();
        StringBuilder answers = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            sets.append(resp("SET", "key" + i, "value" + i));
            gets.append(resp("GET", "key" + i));
            answers.append("$").append(("value" + i).length()).append("\r\n").append("value").append(i).append("\r\n");
        }
        exchange(kit, one, sets.toString());
        assertThat(exchange(kit, two, gets.toString())).isEqualTo(answers.toString());
        assertThat(exchange(kit, two, resp("DBSIZE"))).isEqualTo(":20\r\n");
    }

    /** A worker with no free slot refuses a claim: the command waits (a 1 ms timer) and runs, never dropped. */
    @Test
    void aRefusedClaimIsRetried() throws IOException {
        kit = Kit.builder().acceptThreads(1).acceptCapacity(8).workerThreads(1).taskSlotsPerWorker(2)
                .protocol(new RespProtocol(new RespLimits(16, 4), keysOnWorkers())).buildManual();
        ManualClient[] clients = new ManualClient[6];
        for (int i = 0; i < clients.length; i++) {
            clients[i] = kit.connect();
            clients[i].send(resp("INCR", "n"));
        }
        kit.runUntilIdle();
        kit.advanceMs(10);
        StringBuilder answers = new StringBuilder();
        for (ManualClient client : clients) {
            answers.append(client.receivedAscii());
            client.reset();
        }
        assertThat(answers.toString().split("\r\n")).containsExactlyInAnyOrder(":1", ":2", ":3", ":4", ":5", ":6");
    }

    @Test
    void theMillisecondsOfDebugSleep() {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap("1 0.25 .5 2.001 x 1.2345 -1".getBytes(StandardCharsets.US_ASCII));
        assertThat(RespHandler.milliseconds(b, 0, 1)).isEqualTo(1000);
        assertThat(RespHandler.milliseconds(b, 2, 6)).isEqualTo(250);
        assertThat(RespHandler.milliseconds(b, 7, 9)).isEqualTo(500);
        assertThat(RespHandler.milliseconds(b, 10, 15)).isEqualTo(2001);
        assertThat(RespHandler.milliseconds(b, 16, 17)).isEqualTo(-1);
        assertThat(RespHandler.milliseconds(b, 18, 24)).isEqualTo(-1);
        assertThat(RespHandler.milliseconds(b, 25, 27)).isEqualTo(-1);
    }
}
