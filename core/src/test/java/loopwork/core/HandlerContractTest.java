package loopwork.core;

import static loopwork.core.Lines.connect;
import static loopwork.core.Lines.line;
import static loopwork.core.Lines.readLine;
import static loopwork.core.Lines.say;
import static loopwork.core.Lines.send;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;


import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the kit promises a protocol that makes mistakes or meets a busy worker, over real sockets: a task
 * claim never outlives the handler call that opened it; a write or a message that can never fit ends in
 * a defined way the handler sees, counted, never a silent hang; work that waits for a worker past the
 * queue timeout is taken back and the handler told; and a worker's blocking work never stalls the
 * connections moved into its loop. A line protocol drives it: each line is a command.
 */
class HandlerContractTest {

    private static final int OUTPUT_BYTES = 1024;
    private static final int INPUT_BYTES = 1024;

    /** Opened by the test to let a {@code block} task finish; every test opens it at the end. */
    private final CountDownLatch gate = new CountDownLatch(1);
    /** Counted down when a {@code block} task has started on its worker. */
    private final CountDownLatch blockStarted = new CountDownLatch(1);

    @AfterEach
    void openGate() {
        gate.countDown();
    }

    /** Waits on the test's gate: a task that keeps its worker busy until the test says so. */
    final class Block implements TaskType {
        @Override
        public int payloadBytes() {
            return 0;
        }

        @Override
        public void run(TaskPayload payload) throws InterruptedException {
            blockStarted.countDown();
            gate.await(30, TimeUnit.SECONDS);
        }
    }

    static final class Quick implements TaskType {
        @Override
        public int payloadBytes() {
            return 8;
        }

        @Override
        public void run(TaskPayload payload) {
            payload.putLong(0, payload.getLong(0) + 1);
        }
    }

    /**
     * Per connection: a task in flight holds the next lines back; "hold" stops consuming for good; "stay"
     * moves it to a worker's loop and keeps it there until "home".
     */
    static final class State {
        boolean waiting;
        boolean holding;
        boolean staying;
    }

    final class Commands implements Protocol {
        int block;
        int quick;

        @Override
        public void registerTasks(TaskRegistry tasks) {
            block = tasks.register(new Block());
            quick = tasks.register(new Quick());
        }

        @Override
        public byte[] refusal() {
            return "busy\n".getBytes(StandardCharsets.US_ASCII);
        }

        @Override
        public ConnectionHandler newHandler(LoopInfo loop) {
            return new ConnectionHandler() {
                @Override
                public void onOpen(Connection connection) {
                    connection.attach(new State());
                }

                @Override
                public void onData(Connection connection, ByteBuffer in) {
                    State state = (State) connection.attachment();
                    while (!state.waiting && !state.holding) {
                        String command = line(in);
                        if (command == null) {
                            return;
                        }
                        switch (command) {
                            case "block", "quick" -> {
                                TaskPayload task = connection.tryClaimTask(command.equals("block") ? block : quick);
                                if (task == null) {
                                    say(connection, "refused");
                                    continue;
                                }
                                connection.commitTask();
                                state.waiting = true;
                            }
                            case "throw" -> {
                                TaskPayload task = connection.tryClaimTask(quick);
                                task.putLong(TaskPayload.CAPACITY, 1); // past the payload: throws, claim open
                            }
                            case "forget" -> {
                                connection.tryClaimTask(quick); // and never commits
                                say(connection, "forgot");
                            }
                            case "big" -> {
                                try {
                                    connection.write(new byte[loop.outputCapacity() + 1]);
                                    say(connection, "written");
                                } catch (IllegalArgumentException e) {
                                    say(connection, "refused: " + e.getMessage());
                                }
                            }
                            case "handoff" -> {
                                if (!connection.handOff(blocking -> {
                                    byte[] answer = "blocking\n".getBytes(StandardCharsets.US_ASCII);
                                    blocking.write(answer, 0, answer.length);
                                    return true;
                                })) {
                                    say(connection, "refused");
                                    continue;
                                }
                                return;
                            }
                            case "move", "stay" -> {
                                state.staying = command.equals("stay");
                                if (!connection.moveToWorker()) {
                                    say(connection, "refused");
                                    continue;
                                }
                                return;
                            }
                            case "home" -> {
                                connection.moveHome();
                                return;
                            }
                            case "hold" -> state.holding = true;
                            case "n" -> {
                                // nothing: a line that only takes room in the input
                            }
                            default -> say(connection, command);
                        }
                    }
                }

                @Override
                public void onArrived(Connection connection) {
                    say(connection, "arrived on " + loop.role());
                    if (!connection.isHome() && !((State) connection.attachment()).staying) {
                        connection.moveHome();
                    }
                }

                @Override
                public void onTaskDone(Connection connection, int taskType, TaskPayload result) {
                    ((State) connection.attachment()).waiting = false;
                    say(connection, taskType == block ? "unblocked" : "done " + result.getLong(0));
                }

                @Override
                public void onQueueTimeout(Connection connection) {
                    ((State) connection.attachment()).waiting = false;
                    say(connection, "timeout");
                }
            };
        }
    }

    private Kit start(long queueTimeoutMs) throws IOException {
        return start(queueTimeoutMs, 1);
    }

    private Kit start(long queueTimeoutMs, int workers) throws IOException {
        Kit kit = Kit.builder().host("127.0.0.1").port(0).acceptThreads(1).acceptCapacity(8).workerThreads(workers)
                .taskSlotsPerWorker(4).inputBufferBytes(INPUT_BYTES).outputBufferBytes(OUTPUT_BYTES)
                .queueTimeoutMs(queueTimeoutMs).protocol(new Commands()).build();
        kit.start();
        return kit;
    }

    /**
     * Whether the server closed the connection: the end of the stream, or a reset (Linux resets a close that
     * leaves input unread); false if the read timed out, the server still holding it.
     */
    private static boolean closedByServer(Socket socket) throws IOException {
        try {
            return socket.getInputStream().read() < 0;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (java.net.SocketException e) {
            return e.getMessage().contains("reset");
        }
    }

    private static LoopStatistics loop(Kit kit) {
        return kit.loopStats().get(0);
    }

    private static WorkerStatistics worker(Kit kit) {
        return kit.workerStats().get(0);
    }

    /** Reads lines until {@code expected}, skipping the "arrived on ..." lines of trips. */
    private static void expect(Socket socket, String expected) throws IOException {
        for (int i = 0; i < 10; i++) {
            String line = readLine(socket);
            if (line == null || !line.startsWith("arrived on ")) {
                assertThat(line).isEqualTo(expected);
                return;
            }
        }
        throw new AssertionError("no " + expected);
    }

    private static void assertPoolsFull(Kit kit) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() - deadline < 0 && loop(kit).poolFree() != loop(kit).capacity()) {
            Thread.sleep(10);
        }
        assertThat(loop(kit).poolFree()).as("free contexts").isEqualTo(loop(kit).capacity());
        assertThat(kit.unexpectedFailures()).as("loop cycles failed on a kit bug").isZero();
    }

    @Test
    void aClaimLeftOpenByAHandlerThatThrowsIsGivenBackAndTasksRunAsBefore() throws Exception {
        try (Kit kit = start(5_000)) {
            try (Socket thrower = connect(kit)) {
                send(thrower, "throw\n");
                assertThat(readLine(thrower)).as("the failed handler's connection closes").isNull();
            }
            // More tasks than the worker has slots: a slot left uncommitted at the ring's head would stall them all.
            try (Socket other = connect(kit)) {
                for (int i = 0; i < 10; i++) {
                    send(other, "quick\n");
                    assertThat(readLine(other)).isEqualTo("done 1");
                }
            }
            assertThat(loop(kit).claimsAborted()).isEqualTo(1);
            assertThat(loop(kit).handlerErrors()).isEqualTo(1);
            assertThat(worker(kit).tasksRun()).isEqualTo(10);
            assertPoolsFull(kit);
        }
    }

    @Test
    void aClaimAHandlerForgetsToCommitIsGivenBackWhenItsCallReturns() throws Exception {
        try (Kit kit = start(5_000); Socket socket = connect(kit)) {
            for (int i = 0; i < 6; i++) {
                send(socket, "forget\n");
                assertThat(readLine(socket)).isEqualTo("forgot");
                send(socket, "quick\n"); // in a later call: a second claim in the same call would be the handler's bug
                assertThat(readLine(socket)).isEqualTo("done 1");
            }
            assertThat(loop(kit).claimsAborted()).isEqualTo(6);
            assertThat(loop(kit).handlerErrors()).isZero();
            socket.close();
            assertPoolsFull(kit);
        }
    }

    @Test
    void aWriteThatCanNeverFitTheOutputBufferThrowsNamingTheSizes() throws Exception {
        try (Kit kit = start(5_000); Socket socket = connect(kit)) {
            send(socket, "big\nafter\n");
            assertThat(readLine(socket)).isEqualTo("refused: a write of " + (OUTPUT_BYTES + 1)
                    + " bytes can never fit connection 0's output buffer of " + OUTPUT_BYTES + " bytes");
            assertThat(readLine(socket)).as("the connection goes on").isEqualTo("after");
            assertThat(loop(kit).oversizedWrites()).isEqualTo(1);
            socket.close();
            assertPoolsFull(kit);
        }
    }

    @Test
    void anInputBufferTheHandlerLeavesFullClosesTheConnectionByDefault() throws Exception {
        try (Kit kit = start(5_000); Socket socket = connect(kit)) {
            send(socket, "hold\n");
            send(socket, "x".repeat(INPUT_BYTES * 2));
            // Before, reading stopped for good with nothing said: this read timed out.
            assertThat(closedByServer(socket)).as("closed, not hanging").isTrue();
            assertThat(loop(kit).inputFull()).isEqualTo(1);
            assertPoolsFull(kit);
        }
    }

    @Test
    void aTaskThatWaitsForItsWorkerPastTheQueueTimeoutIsTakenBackAndTheHandlerTold() throws Exception {
        try (Kit kit = start(200); Socket busy = connect(kit); Socket waiting = connect(kit)) {
            send(busy, "block\n");
            assertThat(blockStarted.await(10, TimeUnit.SECONDS)).as("the worker took the blocking task").isTrue();
            long sent = System.nanoTime();
            send(waiting, "quick\n");
            assertThat(readLine(waiting)).isEqualTo("timeout");
            assertThat(System.nanoTime() - sent).as("not before the queue timeout").isGreaterThanOrEqualTo(200_000_000L);
            assertThat(loop(kit).queueTimeouts()).isEqualTo(1);
            gate.countDown();
            assertThat(readLine(busy)).isEqualTo("unblocked");
            send(waiting, "quick\n");
            assertThat(readLine(waiting)).as("the worker skipped the expired task and runs the next").isEqualTo("done 1");
            assertThat(worker(kit).tasksRun()).as("the expired task never ran").isEqualTo(2);
            busy.close();
            waiting.close();
            assertPoolsFull(kit);
        }
    }

    @Test
    void aHandOffThatWaitsForItsWorkerPastTheQueueTimeoutComesHomeAndTheHandlerIsTold() throws Exception {
        try (Kit kit = start(200); Socket busy = connect(kit); Socket waiting = connect(kit)) {
            send(busy, "block\n");
            assertThat(blockStarted.await(10, TimeUnit.SECONDS)).isTrue();
            send(waiting, "handoff\n");
            assertThat(readLine(waiting)).isEqualTo("timeout");
            send(waiting, "echo\n");
            assertThat(readLine(waiting)).as("served at home again").isEqualTo("echo");
            assertThat(loop(kit).away()).isZero();
            gate.countDown();
            assertThat(readLine(busy)).isEqualTo("unblocked");
            send(waiting, "handoff\n");
            assertThat(readLine(waiting)).as("a later hand-off runs").isEqualTo("blocking");
            assertThat(worker(kit).handOffs()).isEqualTo(1);
            busy.close();
            waiting.close();
            assertPoolsFull(kit);
        }
    }

    @Test
    void aConnectionMovedToAWorkerIsServedWhileThatWorkerBlocks() throws Exception {
        try (Kit kit = start(60_000); Socket busy = connect(kit); Socket moving = connect(kit)) {
            send(busy, "block\n");
            assertThat(blockStarted.await(10, TimeUnit.SECONDS)).isTrue();
            for (int i = 0; i < 3; i++) {
                send(moving, "move\n");
                // Before, the move waited behind the blocked task: this read timed out.
                assertThat(readLine(moving)).isEqualTo("arrived on WORKER_LOOP");
                assertThat(readLine(moving)).isEqualTo("arrived on ACCEPT_LOOP");
            }
            assertThat(worker(kit).moves()).isEqualTo(3);
            assertThat(worker(kit).tasksRun()).as("the blocking task still runs").isZero();
            gate.countDown();
            assertThat(readLine(busy)).isEqualTo("unblocked");
            busy.close();
            moving.close();
            assertPoolsFull(kit);
        }
    }

    @Test
    void aClaimLeftOpenIsGivenBackOnALoopThatRunsTasksItself() throws Exception {
        try (Kit kit = start(5_000, 0); Socket socket = connect(kit)) {
            for (int i = 0; i < 6; i++) {
                send(socket, "forget\n");
                assertThat(readLine(socket)).isEqualTo("forgot");
                send(socket, "quick\n");
                assertThat(readLine(socket)).isEqualTo("done 1");
            }
            assertThat(loop(kit).claimsAborted()).isEqualTo(6);
            socket.close();
            assertPoolsFull(kit);
        }
    }

    @Test
    void anInputBufferFullWhileATaskIsInFlightWaitsForTheTask() throws Exception {
        try (Kit kit = start(60_000); Socket socket = connect(kit)) {
            send(socket, "block\n" + "n\n".repeat(INPUT_BYTES) + "end\n"); // twice the input buffer behind the task
            assertThat(blockStarted.await(10, TimeUnit.SECONDS)).isTrue();
            gate.countDown();
            assertThat(readLine(socket)).isEqualTo("unblocked");
            assertThat(readLine(socket)).as("every line behind the task was read").isEqualTo("end");
            assertThat(loop(kit).inputFull()).as("backpressure, not a hang: the handler was not told").isZero();
            socket.close();
            assertPoolsFull(kit);
        }
    }

    @Test
    void tasksOfAMovedConnectionRunOnAnyWorkerAndComeBackToTheLoopServingIt() throws Exception {
        try (Kit kit = start(5_000, 2); Socket socket = connect(kit)) {
            send(socket, "stay\n");
            assertThat(readLine(socket)).isEqualTo("arrived on WORKER_LOOP");
            for (int i = 0; i < 8; i++) {
                send(socket, "quick\n");
                assertThat(readLine(socket)).isEqualTo("done 1");
            }
            send(socket, "home\necho\n");
            expect(socket, "echo");
            long run0 = kit.workerStats().get(0).tasksRun();
            long run1 = kit.workerStats().get(1).tasksRun();
            assertThat(run0 + run1).isEqualTo(8);
            assertThat(run0).as("tasks on worker 0").isPositive();
            assertThat(run1).as("tasks on worker 1").isPositive();
            socket.close();
            assertPoolsFull(kit);
        }
    }

    @Test
    void aMovedConnectionsTaskThatWaitsPastTheQueueTimeoutIsTakenBackByTheWorkersLoop() throws Exception {
        try (Kit kit = start(200); Socket busy = connect(kit); Socket moved = connect(kit)) {
            send(moved, "stay\n");
            assertThat(readLine(moved)).isEqualTo("arrived on WORKER_LOOP");
            send(busy, "block\n");
            assertThat(blockStarted.await(10, TimeUnit.SECONDS)).isTrue();
            send(moved, "quick\n");
            assertThat(readLine(moved)).isEqualTo("timeout");
            assertThat(worker(kit).queueTimeouts()).isEqualTo(1);
            assertThat(loop(kit).queueTimeouts()).isZero();
            gate.countDown();
            assertThat(readLine(busy)).isEqualTo("unblocked");
            send(moved, "quick\nhome\necho\n");
            assertThat(readLine(moved)).isEqualTo("done 1");
            expect(moved, "echo");
            busy.close();
            moved.close();
            assertPoolsFull(kit);
        }
    }
}
