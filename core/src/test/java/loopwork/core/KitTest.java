package loopwork.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

/**
 * The kit with a protocol that is not HTTP: a line protocol written only against the public API, the complete
 * example of one. Each line is echoed; a line "sum A B" is added up on a worker and answered from the task's
 * result; "bye" is echoed and closes. It allocates nothing while serving: it parses with {@link Bytes} where the
 * bytes lie, writes regions of its input, and formats numbers into a buffer of its own. It answers "busy" when
 * no worker can take a task, and stops consuming when a write is refused: the line stays in the input, and the
 * kit shows it again once the output has drained.
 */
class KitTest {

    /** Adds the two longs at 0 and 8, writes the sum at 16. */
    static final class Sum implements TaskType {
        @Override
        public int payloadBytes() {
            return 24;
        }

        @Override
        public void run(TaskPayload payload) {
            payload.putLong(16, payload.getLong(0) + payload.getLong(8));
        }
    }

    static final class LineProtocol implements Protocol {
        static final byte[] BUSY = "busy\n".getBytes(StandardCharsets.US_ASCII);
        static final byte[] BAD = "bad sum\n".getBytes(StandardCharsets.US_ASCII);
        static final byte[] SUM = "sum ".getBytes(StandardCharsets.US_ASCII);
        static final byte[] BYE = "bye\n".getBytes(StandardCharsets.US_ASCII);
        int sum;

        @Override
        public void registerTasks(TaskRegistry tasks) {
            sum = tasks.register(new Sum());
        }

        @Override
        public byte[] refusal() {
            return BUSY;
        }

        @Override
        public ConnectionHandler newHandler(LoopInfo loop) {
            return new LineHandler(sum);
        }
    }

    /** One per loop and worker; it keeps no per-connection state, so nothing is attached. */
    static final class LineHandler implements ConnectionHandler {
        /** The longest answer to a sum: a long and a newline. */
        private static final int LONGEST_ANSWER = Bytes.MAX_DECIMAL_LENGTH + 1;
        private final int sumTask;
        private final ByteBuffer answer = ByteBuffer.allocate(LONGEST_ANSWER);

        LineHandler(int sumTask) {
            this.sumTask = sumTask;
        }

        @Override
        public void onData(Connection connection, ByteBuffer in) {
            while (connection.tasksInFlight() == 0 && connection.isOpen()) { // one task at a time: answers in order
                int start = in.position();
                int end = Bytes.indexOf(in, start, in.limit(), (byte) '\n');
                if (end < 0) {
                    return; // not a whole line yet: shown again with more
                }
                if (end - start > LineProtocol.SUM.length && Bytes.equalsIgnoreCase(in, start, LineProtocol.SUM)) {
                    if (!sum(connection, in, start + LineProtocol.SUM.length, end)) {
                        return; // no room for its answer: shown again once the output has drained
                    }
                } else if (!connection.write(in, start, end + 1 - start)) {
                    return; // refused: the line stays, and onData comes again once the output has drained
                } else if (Bytes.equalsIgnoreCase(in, start, end + 1, LineProtocol.BYE)) {
                    connection.closeAfterWrite();
                }
                in.position(end + 1);
            }
        }

        /** "sum A B": offloads the addition; false when the answer could not be written, the line unconsumed. */
        private boolean sum(Connection connection, ByteBuffer in, int from, int end) {
            // A task's answer cannot be refused and tried again: room for the longest comes first.
            if (!connection.canWrite(Math.max(LONGEST_ANSWER, LineProtocol.BUSY.length))) {
                return false;
            }
            int space = Bytes.indexOf(in, from, end, (byte) ' ');
            long a = space < 0 ? Bytes.INVALID : Bytes.parseDecimal(in, from, space);
            long b = space < 0 ? Bytes.INVALID : Bytes.parseDecimal(in, space + 1, end);
            if (a == Bytes.INVALID || b == Bytes.INVALID) {
                return connection.write(LineProtocol.BAD);
            }
            TaskPayload task = connection.tryClaimTask(sumTask);
            if (task == null) {
                return connection.write(LineProtocol.BUSY); // every worker's slots are taken
            }
            task.putLong(0, a);
            task.putLong(8, b);
            connection.commitTask();
            return true;
        }

        @Override
        public void onTaskDone(Connection connection, int taskType, TaskPayload result) {
            int length = Bytes.putDecimal(answer, 0, result.getLong(16));
            answer.put(length, (byte) '\n');
            connection.write(answer, 0, length + 1); // fits: room was checked before the task was claimed
        }
    }

    @Test
    void aProtocolOtherThanHttpRunsOnTheKit() throws Exception {
        try (Kit kit = Kit.builder().host("127.0.0.1").port(0).acceptThreads(2).acceptCapacity(8).workerThreads(1)
                .protocol(new LineProtocol()).build()) {
            kit.start();
            try (Socket socket = new Socket("127.0.0.1", kit.port())) {
                socket.setSoTimeout(10_000);
                OutputStream out = socket.getOutputStream();
                InputStream in = socket.getInputStream();
                out.write("hello\nsum 40 2\nafter\nbye\n".getBytes(StandardCharsets.US_ASCII));
                String all = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
                assertThat(all).isEqualTo("hello\n42\nafter\nbye\n"); // the task's answer keeps its place
            }
            waitUntilPoolsFull(kit);
        }
    }

    @Test
    void aFullPoolRefusesWithTheProtocolsAnswerAndKeepsServing() throws Exception {
        try (Kit kit = Kit.builder().host("127.0.0.1").port(0).acceptThreads(1).acceptCapacity(1).workerThreads(0)
                .protocol(new LineProtocol()).build()) {
            kit.start();
            try (Socket held = new Socket("127.0.0.1", kit.port())) {
                held.setSoTimeout(10_000);
                held.getOutputStream().write("sum 1 2\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(new String(held.getInputStream().readNBytes(2), StandardCharsets.US_ASCII)).isEqualTo("3\n");
                try (Socket refused = new Socket("127.0.0.1", kit.port())) {
                    refused.setSoTimeout(10_000);
                    assertThat(new String(refused.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
                            .isEqualTo("busy\n");
                }
                held.getOutputStream().write("still\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(new String(held.getInputStream().readNBytes(6), StandardCharsets.US_ASCII))
                        .isEqualTo("still\n");
            }
            waitUntilPoolsFull(kit);
            assertThat(kit.loopStats().get(0).rejected()).isEqualTo(1);
        }
    }

    @Test
    void aTaskTypeLargerThanTheSlotIsRefusedAtBuild() {
        Protocol tooBig = new Protocol() {
            @Override
            public void registerTasks(TaskRegistry tasks) {
                tasks.register(new TaskType() {
                    @Override
                    public int payloadBytes() {
                        return 97;
                    }

                    @Override
                    public void run(TaskPayload payload) {
                    }
                });
            }

            @Override
            public ConnectionHandler newHandler(LoopInfo loop) {
                return (connection, in) -> in.position(in.limit());
            }
        };
        assertThatThrownBy(() -> Kit.builder().port(0).acceptCapacity(4).protocol(tooBig).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs 97 payload bytes; a worker slot holds 96");
    }

    @Test
    void settingsOutOfRangeAreRefusedWithTheirRange() {
        assertThatThrownBy(() -> Kit.builder().acceptThreads(0).config())
                .hasMessage("acceptThreads must be in 1..1024, not 0");
        assertThatThrownBy(() -> Kit.builder().taskSlotsPerWorker(3).config())
                .hasMessageContaining("power of two");
    }

    /**
     * A blocking handler that closes its connection through the {@code Connection} it captured: the context must
     * stay its own until it returns (a new client meanwhile finds the one-context pool full), and its I/O fails.
     */
    @Test
    void aConnectionClosedDuringAHandOffIsReleasedOnlyWhenTheHandlerReturns() throws Exception {
        CountDownLatch closed = new CountDownLatch(1);
        CountDownLatch proceed = new CountDownLatch(1);
        AtomicReference<String> afterClose = new AtomicReference<>("handler did not get there");
        Protocol closingHandOff = everyLoopRuns((connection, in) -> {
            in.position(in.limit());
            connection.handOff(blocking -> {
                connection.close();
                closed.countDown();
                proceed.await(10, TimeUnit.SECONDS);
                try {
                    blocking.write("late\n".getBytes(StandardCharsets.US_ASCII), 0, 5);
                    blocking.flush();
                    afterClose.set("wrote");
                } catch (IOException e) {
                    afterClose.set("refused");
                }
                return true;
            });
        });
        try (Kit kit = Kit.builder().host("127.0.0.1").port(0).acceptThreads(1).acceptCapacity(1).workerThreads(1)
                .protocol(closingHandOff).build()) {
            kit.start();
            try (Socket first = new Socket("127.0.0.1", kit.port())) {
                first.setSoTimeout(10_000);
                first.getOutputStream().write("x\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(closed.await(10, TimeUnit.SECONDS)).isTrue();
                try (Socket second = new Socket("127.0.0.1", kit.port())) {
                    second.setSoTimeout(10_000);
                    assertThat(new String(second.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
                            .as("the closed connection's context is still in use").isEqualTo("busy\n");
                }
                proceed.countDown();
                assertThat(first.getInputStream().readAllBytes()).as("closed, nothing written after").isEmpty();
            }
            waitUntilPoolsFull(kit);
            assertThat(afterClose.get()).isEqualTo("refused");
            assertThat(kit.unexpectedFailures()).isZero();
        }
    }

    /**
     * A blocking handler reading from a peer that first sends 50 KB/s, then trickles 1 KB/s, with a 2 s stall
     * and a 10 KB/s minimum: the bytes it reads keep its credit up, then the trickle runs it out. The handler
     * catches the timeout and goes on, but may not write, and the connection closes all the same.
     */
    @Test
    void aBlockingReaderKeepsItsWorkerOnlyWhileThePeerKeepsThePace() throws Exception {
        AtomicReference<String> failure = new AtomicReference<>("handler did not fail");
        AtomicReference<String> afterFailure = new AtomicReference<>("handler did not get there");
        Protocol reading = everyLoopRuns((connection, in) -> connection.handOff(blocking -> {
            try {
                for (;;) {
                    blocking.input().position(blocking.input().limit()); // read and thrown away
                    if (blocking.read() < 0) {
                        return false;
                    }
                }
            } catch (IOException e) {
                failure.set(e.getMessage());
            }
            try {
                blocking.write("after\n".getBytes(StandardCharsets.US_ASCII));
                blocking.flush();
                afterFailure.set("wrote");
            } catch (IOException e) {
                afterFailure.set("refused");
            }
            return true;
        }));
        try (Kit kit = Kit.builder().host("127.0.0.1").port(0).acceptThreads(1).acceptCapacity(2).workerThreads(1)
                .handOffLimits(new HandOffLimits(2000, 10_000)).protocol(reading).build()) {
            kit.start();
            try (Socket peer = new Socket("127.0.0.1", kit.port())) {
                peer.setSoTimeout(10_000);
                OutputStream out = peer.getOutputStream();
                long start = System.nanoTime();
                while (System.nanoTime() - start < 3_000_000_000L) { // 3 s at 50 KB/s: more than the stall
                    out.write(new byte[1000]);
                    Thread.sleep(20);
                }
                assertThat(failure.get()).as("after 3 s at 50 KB/s").isEqualTo("handler did not fail");
                long trickleStart = System.nanoTime();
                try {
                    while (failure.get().equals("handler did not fail") && System.nanoTime() - trickleStart < 10e9) {
                        out.write(new byte[100]);
                        Thread.sleep(100);
                    }
                } catch (IOException closed) {
                    // the server closed first: as expected
                }
                assertThat(failure.get()).startsWith("peer slower than 10000 bytes/s");
                byte[] after;
                try {
                    after = peer.getInputStream().readAllBytes();
                } catch (SocketException reset) { // a trickle that arrived as the server closed makes it a reset
                    after = new byte[0];
                }
                assertThat(after).as("closed, nothing written after").isEmpty();
            }
            waitUntilPoolsFull(kit);
            assertThat(afterFailure.get()).isEqualTo("refused");
            assertThat(kit.workerStats().getFirst().handOffTimeouts()).isEqualTo(1);
            assertThat(kit.unexpectedFailures()).isZero();
        }
    }

    /** {@link Connection#reset()} ends a connection with a reset where {@link Connection#close()} ends it with a FIN. */
    @Test
    void aResetIsSeenAsOneAndACloseAsTheEnd() throws Exception {
        Protocol resetting = everyLoopRuns((connection, in) -> {
            boolean reset = in.get() == 'r';
            in.position(in.limit());
            if (reset) {
                connection.reset();
            } else {
                connection.close();
            }
        });
        try (Kit kit = Kit.builder().host("127.0.0.1").port(0).acceptThreads(1).acceptCapacity(2).workerThreads(0)
                .protocol(resetting).build()) {
            kit.start();
            for (String line : new String[] {"r\n", "c\n", "r\n"}) {
                try (Socket peer = new Socket("127.0.0.1", kit.port())) {
                    peer.setSoTimeout(10_000);
                    peer.getOutputStream().write(line.getBytes(StandardCharsets.US_ASCII));
                    if (line.startsWith("r")) {
                        assertThatThrownBy(() -> peer.getInputStream().readAllBytes())
                                .isInstanceOf(SocketException.class).hasMessageContaining("reset");
                    } else {
                        assertThat(peer.getInputStream().readAllBytes()).isEmpty();
                    }
                }
            }
            waitUntilPoolsFull(kit);
            assertThat(kit.unexpectedFailures()).isZero();
        }
    }

    /** A protocol with no tasks that refuses with "busy" and runs {@code handler} on every loop and worker. */
    private static Protocol everyLoopRuns(ConnectionHandler handler) {
        return new Protocol() {
            @Override
            public void registerTasks(TaskRegistry tasks) {
            }

            @Override
            public byte[] refusal() {
                return "busy\n".getBytes(StandardCharsets.US_ASCII);
            }

            @Override
            public ConnectionHandler newHandler(LoopInfo loop) {
                return handler;
            }
        };
    }

    private static void waitUntilPoolsFull(Kit kit) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() - deadline < 0
                && kit.loopStats().stream().anyMatch(s -> s.poolFree() != s.capacity())) {
            Thread.sleep(10);
        }
        kit.loopStats().forEach(s -> assertThat(s.poolFree()).isEqualTo(s.capacity()));
    }
}
