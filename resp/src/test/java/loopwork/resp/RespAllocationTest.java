package loopwork.resp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The zero-allocation claim, as a count: bytes the kit's threads allocate ({@code ThreadMXBean}) while clients
 * SET and GET keys that exist, values of the size they had, pipelined and one at a time, after a warm-up. The keys
 * were made before (their entries and arrays are where the key space allocates), so this is the serving path
 * alone: parse, stage, shard, answer, with the keys on the loop or on the workers (tasks there and back).
 */
class RespAllocationTest {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final String VALUE = "v".repeat(100);
    /** Rounds of {@link #run} counted at a time: 25,500 commands. */
    private static final int CHUNK = 250;

    @ParameterizedTest(name = "keys on the workers: {0}")
    @ValueSource(booleans = {false, true})
    void gettingAndSettingExistingKeysAllocatesNothing(boolean keysOnWorkers) throws Exception {
        try (RespServer server = RespServer.start(2, keysOnWorkers, 4096)) {
            Client[] clients = new Client[3];
            for (int i = 0; i < clients.length; i++) {
                clients[i] = new Client(server.port());
            }
            try {
                run(clients, 1); // the keys are made
                List<Thread> threads = server.kit.threads();
                // Warm-up until the JIT has compiled the paths: chunks until three in a row allocate nothing.
                int warmUp = 0;
                for (int quiet = 0; warmUp < 40 && quiet < 3; warmUp++) {
                    long start = allocated(threads);
                    run(clients, CHUNK);
                    quiet = allocated(threads) == start ? quiet + 1 : 0;
                }
                // Four chunks counted. An allocation on any path taken more often than once in a chunk's 25,500
                // commands shows in every chunk; so one chunk of 0 bytes proves there is none. What comes once
                // (a deoptimization putting objects the compiled code had scalar-replaced on the heap, a late
                // compilation: 64 to 3,500 bytes seen) may come in the others.
                long[] bytes = new long[4];
                long commands = 0;
                for (int i = 0; i < bytes.length; i++) {
                    long before = allocated(threads);
                    commands += run(clients, CHUNK);
                    bytes[i] = allocated(threads) - before;
                }
                System.out.printf("allocation, keys on the %s: after %d rounds of warm-up, %d commands in 4 chunks,"
                        + " %s bytes on %d threads%n", keysOnWorkers ? "workers" : "loop", warmUp * CHUNK, commands,
                        Arrays.toString(bytes), threads.size());
                assertThat(commands).isGreaterThanOrEqualTo(100_000);
                assertThat(Arrays.stream(bytes).min().orElseThrow())
                        .as("bytes in the quietest of 4 chunks of %d commands: 0 unless something allocates in each",
                                commands / 4).isZero();
                assertThat((double) Arrays.stream(bytes).sum() / commands).as("bytes allocated per command")
                        .isLessThan(0.1);
            } finally {
                for (Client client : clients) {
                    client.close();
                }
            }
        }
    }

    /** Each round on each client: 16 SETs pipelined, 16 GETs pipelined, then one SET and one GET alone. */
    private static long run(Client[] clients, int rounds) throws IOException {
        StringBuilder sets = new StringBuilder();
        StringBuilder gets = new StringBuilder();
        for (int k = 0; k < 16; k++) {
            sets.append(RespSteppedTest.resp("SET", "key" + k, VALUE));
            gets.append(RespSteppedTest.resp("GET", "key" + (k * 5 % 16))); // in another order than set
        }
        byte[] setBytes = sets.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] getBytes = gets.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] oneSet = RespSteppedTest.resp("SET", "key1", VALUE).getBytes(StandardCharsets.US_ASCII);
        byte[] oneGet = RespSteppedTest.resp("GET", "key2").getBytes(StandardCharsets.US_ASCII);
        int okBytes = "+OK\r\n".length();
        int valueBytes = ("$100\r\n" + VALUE + "\r\n").length();
        long commands = 0;
        for (int round = 0; round < rounds; round++) {
            for (Client client : clients) {
                client.exchange(setBytes, 16 * okBytes);
                client.exchange(getBytes, 16 * valueBytes);
                client.exchange(oneSet, okBytes);
                client.exchange(oneGet, valueBytes);
                commands += 34;
            }
        }
        return commands;
    }

    private static long allocated(List<Thread> threads) {
        long sum = 0;
        for (Thread thread : threads) {
            sum += THREADS.getThreadAllocatedBytes(thread.threadId());
        }
        return sum;
    }

    /** A blocking client that sends a batch and reads exactly the answer's bytes. */
    private static final class Client implements AutoCloseable {
        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;
        private final byte[] buffer = new byte[1 << 16];

        Client(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setTcpNoDelay(true);
            out = socket.getOutputStream();
            in = socket.getInputStream();
        }

        /** Sends {@code request} and reads {@code answerBytes}, which must not be an error. */
        void exchange(byte[] request, int answerBytes) throws IOException {
            out.write(request);
            int got = 0;
            do {
                int n = in.read(buffer, got, buffer.length - got);
                if (n < 0) {
                    throw new IOException("closed by the server after " + got + " bytes");
                }
                got += n;
            } while (got < answerBytes);
            assertThat(buffer[0]).isNotEqualTo((byte) '-');
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
