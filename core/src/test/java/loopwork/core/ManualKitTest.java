package loopwork.core;

import static loopwork.core.Lines.line;
import static loopwork.core.Lines.say;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A connection's life, stepped by hand on a {@link ManualKit}: one accept loop, one worker, no threads, no
 * sockets, no sleeps. Each test drives a line protocol whose commands exercise one path of the state machine
 * (read, partial write and backpressure, task, queue timeout, hand-off, move, close, reset, half-close, timer),
 * checks what the client saw and when, and ends with every context back in its pool. A loop that spins instead
 * of settling fails {@link ManualKit#runUntilIdle()}; a blocking wait that spins instead of passing as time
 * fails the timeout.
 */
@Timeout(30)
class ManualKitTest {

    private static final int CAPACITY = 4;
    private static final int OUTPUT_BYTES = 256;
    private static final long QUEUE_TIMEOUT_MS = 1_000;
    private static final long STALL_MS = 2_000;

    /** While set, a connection that arrives anywhere leaves again: work that never ends. */
    private boolean pingPong;
    /** Every handler call of interest, as "role event", in order: what happened, and on which thread's handler. */
    private final List<String> events = new ArrayList<>();
    private ManualKit kit;

    ManualKitTest() throws IOException {
        kit = build(SyncThreads.PLATFORM);
    }

    private ManualKit build(SyncThreads syncThreads) throws IOException {
        return Kit.builder().protocol(new Script()).acceptThreads(1).workerThreads(1).acceptCapacity(CAPACITY)
                .inputBufferBytes(256).outputBufferBytes(OUTPUT_BYTES).taskSlotsPerWorker(4)
                .queueTimeoutMs(QUEUE_TIMEOUT_MS).handOffLimits(new HandOffLimits(STALL_MS, 0))
                .syncThreads(syncThreads).buildManual();
    }

    /** The hand-off cases run on both settings: on {@code syncThreads} from here. */
    private void on(SyncThreads syncThreads) throws IOException {
        kit.close();
        kit = build(syncThreads);
    }

    @AfterEach
    void everyContextCameBack() {
        try {
            kit.runUntilIdle();
            assertThat(kit.poolsFull()).as(kit.toString()).isTrue();
            assertThat(kit.openConnections()).isZero();
            assertThat(kit.loopStats().get(0).handlerErrors()).as("handler errors").isZero();
        } finally {
            kit.close();
        }
    }

    // ---- reading and writing

    @Test
    void aLineIsReadAndAnsweredInOneStepAndTheRestOfALineWaits() {
        ManualClient client = kit.connect();
        client.send("echo hello\necho wor");
        assertThat(kit.step()).as("accepted and read in one step").isPositive();
        assertThat(client.receivedAscii()).isEqualTo("hello\n");
        client.send("ld\n");
        kit.runUntilIdle();
        assertThat(client.receivedAscii()).as("a line cut across reads").isEqualTo("world\n");
        assertThat(kit.step()).as("nothing left to do").isZero();
        assertThat(kit.loopStats().get(0).accepted()).isEqualTo(1);
        end(client);
    }

    @Test
    void aPartialWriteGoesOutAsTheWindowOpensAndARefusedWriteHearsOnWritable() {
        ManualClient client = kit.connect();
        client.window(50);
        client.send("blob 200\nblob 200\n"); // 201 bytes each: the second does not fit behind the first's rest
        kit.runUntilIdle();
        assertThat(client.take()).as("as much as the window took").hasSize(50);
        assertThat(events).as("the second write was refused; not writable yet").containsExactly("loop open",
                "loop refused");

        client.window(150);
        kit.runUntilIdle();
        assertThat(client.take()).as("the first blob's rest, but the output has not drained").hasSize(150);
        assertThat(events).doesNotContain("loop writable");

        client.window(1_000);
        kit.runUntilIdle();
        assertThat(client.receivedAscii()).as("the first blob's end, then the second, written on onData again")
                .isEqualTo("\n" + "x".repeat(200) + "\n");
        assertThat(events).containsExactly("loop open", "loop refused", "loop writable");
        end(client);
    }

    // ---- tasks

    @Test
    void aTaskCompletesAtTheStepAfterItsCommit() {
        ManualClient client = kit.connect();
        client.send("task 21\n");
        kit.step(); // read and committed at home; run by the worker; its completion waits in home's mailbox
        assertThat(client.receivedAscii()).isEmpty();
        assertThat(kit.workerStats().get(0).tasksRun()).isEqualTo(1);
        kit.step();
        assertThat(client.receivedAscii()).isEqualTo("done 42\n");
        assertThat(kit.loopStats().get(0).tasksOffloaded()).isEqualTo(1);
        assertThat(kit.loopStats().get(0).tasksCompleted()).isEqualTo(1);
        end(client);
    }

    @Test
    void aTaskQueuedPastTheQueueTimeoutIsTakenBackAtTheExactMillisecond() {
        kit.pauseWorkers();
        ManualClient client = kit.connect();
        client.send("task 1\n");
        kit.runUntilIdle();
        kit.advanceMs(QUEUE_TIMEOUT_MS - 1);
        assertThat(client.receivedAscii()).as("a millisecond before the timeout").isEmpty();
        kit.advanceMs(1);
        assertThat(client.receivedAscii()).isEqualTo("busy\n");
        assertThat(kit.loopStats().get(0).queueTimeouts()).isEqualTo(1);

        kit.resumeWorkers();
        kit.runUntilIdle();
        assertThat(kit.workerStats().get(0).tasksRun()).as("the worker skips what was taken back").isZero();
        client.send("task 2\n");
        kit.runUntilIdle();
        assertThat(client.receivedAscii()).as("the slot serves the next task").isEqualTo("done 4\n");
        end(client);
    }

    @Test
    void aHalfClosedClientStillGetsTheAnswerOwedByItsTask() {
        ManualClient client = kit.connect();
        client.send("task 5\n");
        client.shutdownOutput();
        kit.step(); // reads the line, commits the task, and reads the FIN: the close waits for the answer owed
        assertThat(client.isClosedByServer()).isFalse();
        assertThat(events).containsExactly("loop open", "loop ended");
        kit.step(); // the completion: answered, and told again that the input has ended
        assertThat(client.receivedAscii()).isEqualTo("done 10\n");
        assertThat(client.isClosedByServer()).isTrue();
        assertThat(client.wasReset()).isFalse();
        assertThat(events).containsExactly("loop open", "loop ended", "loop ended", "loop close");
    }

    // ---- trips to a worker

    @ParameterizedTest
    @EnumSource(SyncThreads.class)
    void aHandOffIsServedByTheBlockingHandlerAndTheConnectionComesHome(SyncThreads syncThreads) throws IOException {
        on(syncThreads);
        ManualClient client = kit.connect();
        client.send("handoff\nping\n"); // what the blocking handler reads is there before it runs
        kit.runUntilIdle();
        assertThat(client.receivedAscii()).isEqualTo("blocking ping\narrived on ACCEPT_LOOP\n");
        assertThat(events).containsExactly("loop open", "loop arrived");
        assertThat(kit.workerStats().get(0).handOffs()).isEqualTo(1);
        assertThat(kit.loopStats().get(0).away()).isZero();
        client.send("echo again\n");
        kit.runUntilIdle();
        assertThat(client.receivedAscii()).as("served at home again").isEqualTo("again\n");
        assertThat(kit.nowMs()).as("no wait: no time passed").isZero();
        end(client);
    }

    @Test
    void aHandOffWaitingForBytesThatNeverComeTimesOutAfterExactlyTheStall() {
        ManualClient client = kit.connect();
        client.send("handoff\n"); // the blocking handler waits for a line
        kit.runUntilIdle();
        assertThat(kit.nowMs()).as("each wait passed as time, up to the stall").isEqualTo(STALL_MS);
        assertThat(client.isClosedByServer()).isTrue();
        assertThat(client.wasReset()).isTrue();
        assertThat(kit.workerStats().get(0).handOffTimeouts()).isEqualTo(1);
    }

    /**
     * On a virtual thread a wait for the peer parks it and the worker watches the socket: the kit goes on
     * meanwhile, so the wait ends when the client acts, or when the clock reaches the stall, not a ms before.
     */
    @Test
    void aVirtualHandOffWaitsUntilItsClientActsOrTheClockReachesTheStall() throws IOException {
        on(SyncThreads.VIRTUAL);
        ManualClient patient = kit.connect();
        patient.send("handoff\n");
        ManualClient silent = kit.connect();
        silent.send("handoff\n");
        kit.runUntilIdle();
        assertThat(kit.nowMs()).as("a wait is not time passing").isZero();
        assertThat(kit.workerStats().get(0).held()).as("both served at once").isEqualTo(2);
        patient.send("ping\n");
        kit.advanceMs(STALL_MS - 1);
        assertThat(patient.receivedAscii()).isEqualTo("blocking ping\narrived on ACCEPT_LOOP\n");
        assertThat(silent.isClosedByServer()).isFalse();
        kit.advanceMs(1);
        assertThat(silent.isClosedByServer()).isTrue();
        assertThat(silent.wasReset()).isTrue();
        assertThat(kit.workerStats().get(0).handOffTimeouts()).isEqualTo(1);
        end(patient);
    }

    @ParameterizedTest
    @EnumSource(SyncThreads.class)
    void aHandOffQueuedPastTheQueueTimeoutComesHomeUnserved(SyncThreads syncThreads) throws IOException {
        on(syncThreads);
        kit.pauseWorkers();
        ManualClient client = kit.connect();
        client.send("handoff\necho after\n");
        kit.advanceMs(QUEUE_TIMEOUT_MS - 1);
        assertThat(client.receivedAscii()).isEmpty();
        assertThat(kit.loopStats().get(0).away()).isEqualTo(1);
        kit.advanceMs(1);
        assertThat(client.receivedAscii()).as("told, then the input it took along served at home")
                .isEqualTo("busy\nafter\n");
        assertThat(kit.loopStats().get(0).away()).isZero();
        kit.resumeWorkers();
        kit.runUntilIdle();
        assertThat(kit.workerStats().get(0).handOffs()).as("the worker skips it").isZero();
        end(client);
    }

    @Test
    void aConnectionMovedToTheWorkersLoopIsServedThereThenMovesHome() {
        ManualClient client = kit.connect();
        client.send("move\n");
        kit.runUntilIdle();
        assertThat(client.receivedAscii()).isEqualTo("arrived on WORKER_LOOP\n");
        assertThat(kit.workerStats().get(0).held()).isEqualTo(1);
        client.send("where\ntask 3\n");
        kit.runUntilIdle();
        assertThat(client.receivedAscii()).as("served there, its task completing there")
                .isEqualTo("WORKER_LOOP\ndone 6\n");
        client.send("home\nwhere\n");
        kit.runUntilIdle();
        assertThat(client.receivedAscii()).isEqualTo("arrived on ACCEPT_LOOP\nACCEPT_LOOP\n");
        assertThat(kit.workerStats().get(0).moves()).isEqualTo(1);
        assertThat(kit.workerStats().get(0).held()).isZero();
        end(client);
    }

    @Test
    void aConnectionClosedOnTheWorkersLoopComesBackToItsPool() {
        ManualClient client = kit.connect();
        client.send("move\nclose\n");
        kit.runUntilIdle();
        assertThat(client.receivedAscii()).isEqualTo("arrived on WORKER_LOOP\n");
        assertThat(client.isClosedByServer()).isTrue();
        assertThat(events).containsExactly("loop open", "worker arrived", "worker close");
    }

    @Test
    void aConnectionThatNeverSettlesFailsRunUntilIdleInsteadOfHangingIt() {
        ManualClient client = kit.connect();
        client.send("pingpong\n");
        pingPong = true; // moved home and away again at each arrival, for ever
        assertThatThrownBy(kit::runUntilIdle).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("still had work");
        pingPong = false;
        kit.runUntilIdle();
        end(client);
    }

    // ---- closing

    @Test
    void aCloseDropsWhatWasQueuedAndACloseAfterWriteSendsItFirst() {
        ManualClient dropped = kit.connect();
        ManualClient answered = kit.connect();
        dropped.send("drop\n");
        answered.window(2);
        answered.send("bye\n");
        kit.runUntilIdle();
        assertThat(dropped.receivedAscii()).isEmpty();
        assertThat(dropped.isClosedByServer()).isTrue();
        assertThat(answered.receivedAscii()).isEqualTo("by");
        assertThat(answered.isClosedByServer()).as("not before its answer is out").isFalse();
        answered.window(10);
        kit.runUntilIdle();
        assertThat(answered.receivedAscii()).isEqualTo("e\n");
        assertThat(answered.isClosedByServer()).isTrue();
        assertThat(answered.wasReset()).isFalse();
        assertThat(kit.loopStats().get(0).closed()).isEqualTo(2);
    }

    @Test
    void aResetFromEitherSideCloses() {
        ManualClient resetByServer = kit.connect();
        ManualClient resettingPeer = kit.connect();
        kit.runUntilIdle();
        resetByServer.send("reset\n");
        resettingPeer.send("echo unread\n");
        resettingPeer.reset();
        kit.runUntilIdle();
        assertThat(resetByServer.wasReset()).isTrue();
        assertThat(resettingPeer.isClosedByServer()).isTrue();
        assertThat(resettingPeer.receivedAscii()).as("what it sent was dropped by its reset").isEmpty();
        assertThat(events).filteredOn("loop close"::equals).hasSize(2);
    }

    // ---- timers

    @Test
    void aTimerFiresWhenTheClockReachesItAndNotAMillisecondBefore() {
        ManualClient client = kit.connect();
        client.send("timer 100\n");
        kit.runUntilIdle();
        kit.advanceMs(50);
        client.send("timer 100\n"); // set again at 50, replacing the first: due at 150
        kit.runUntilIdle();
        kit.advanceMs(99);
        assertThat(client.receivedAscii()).isEmpty();
        kit.advanceMs(1);
        assertThat(client.receivedAscii()).isEqualTo("timer at 150\n");
        kit.advanceMs(10_000);
        assertThat(client.receivedAscii()).as("once").isEmpty();
        end(client);
    }

    @Test
    void aTimerSetFromATimerCountsFromWhenItFired() {
        ManualClient client = kit.connect();
        client.send("repeat 30\n"); // each timer sets the next, twice
        kit.runUntilIdle();
        kit.advanceMs(100); // stopping at 30, where the next is set for 60, and at 60
        assertThat(client.receivedAscii()).isEqualTo("timer at 30\ntimer at 60\ntimer at 90\n");
        end(client);
    }

    // ---- the drain, with the handler's default onDrain

    @Test
    void theDrainClosesAConnectionAtRestAndLeavesOneWithALineBegunOrATaskOut() {
        ManualClient atRest = kit.connect();
        atRest.send("draining\n");
        ManualClient lineBegun = kit.connect();
        lineBegun.send("echo wor");
        ManualClient taskOut = kit.connect();
        kit.runUntilIdle();
        kit.pauseWorkers();
        taskOut.send("task 21\n");
        kit.runUntilIdle();
        assertThat(atRest.receivedAscii()).isEqualTo("draining false\n");

        kit.drain();
        kit.step();

        assertThat(atRest.isClosedByServer()).as("nothing unconsumed, no task out").isTrue();
        assertThat(atRest.wasReset()).isFalse();
        assertThat(lineBegun.isClosedByServer()).as("a line begun").isFalse();
        assertThat(taskOut.isClosedByServer()).as("a task out").isFalse();
        assertThatThrownBy(kit::connect).as("no longer listening").isInstanceOf(IllegalStateException.class);
        lineBegun.send("ld\ndraining\n");
        kit.resumeWorkers();
        kit.runUntilIdle();
        assertThat(lineBegun.receivedAscii()).isEqualTo("world\ndraining true\n");
        assertThat(taskOut.receivedAscii()).isEqualTo("done 42\n");
        assertThat(kit.openConnections()).isEqualTo(2);
        end(lineBegun);
        end(taskOut);
    }

    @Test
    void aConnectionQueuedAtTheListenerIsAcceptedByTheDrainAndAConnectionAwayIsToldWhereItArrives() {
        ManualClient away = kit.connect();
        away.send("move\n");
        kit.step(); // accepted and sent to the worker's loop, which has not taken it yet
        ManualClient queued = kit.connect();

        kit.drain();
        kit.runUntilIdle();

        assertThat(queued.isAccepted()).as("what the listener queued is taken").isTrue();
        assertThat(queued.isClosedByServer()).as("at rest: the default onDrain closes it").isTrue();
        assertThat(away.receivedAscii()).isEqualTo("arrived on WORKER_LOOP\n");
        assertThat(away.isClosedByServer()).as("told on the worker's loop, at rest there").isTrue();
    }

    // ---- helpers

    /** The client half-closes; the server answers what it owes and closes. */
    private void end(ManualClient client) {
        client.shutdownOutput();
        kit.runUntilIdle();
        assertThat(client.isClosedByServer()).as("closed after the client's FIN").isTrue();
    }

    /** Doubles the int at offset 0 into offset 4. */
    private static final class Doubling implements TaskType {
        @Override
        public int payloadBytes() {
            return 8;
        }

        @Override
        public void run(TaskPayload payload) {
            payload.putInt(4, payload.getInt(0) * 2);
        }
    }

    /** A line protocol whose commands each take one path of a connection's life; its handlers log to events. */
    private final class Script implements Protocol {
        @Override
        public void registerTasks(TaskRegistry tasks) {
            tasks.register(new Doubling());
        }

        @Override
        public byte[] refusal() {
            return "full\n".getBytes(StandardCharsets.US_ASCII);
        }

        @Override
        public ConnectionHandler newHandler(LoopInfo loop) {
            return new ScriptHandler(loop.role());
        }
    }

    private final class ScriptHandler implements ConnectionHandler {
        private final LoopInfo.Role role;
        private final String name;
        /** Timers an expiring timer sets again, 30 ms on. */
        private int repeats;

        ScriptHandler(LoopInfo.Role role) {
            this.role = role;
            this.name = role == LoopInfo.Role.ACCEPT_LOOP ? "loop" : "worker";
        }

        @Override
        public void onOpen(Connection connection) {
            events.add(name + " open");
        }

        @Override
        public void onData(Connection connection, ByteBuffer in) {
            while (connection.isOpen() && connection.tasksInFlight() == 0) {
                int start = in.position();
                String command = line(in);
                if (command == null) {
                    return;
                }
                String[] words = command.split(" ", 2);
                String argument = words.length > 1 ? words[1] : "";
                switch (words[0]) {
                    case "echo" -> say(connection, argument);
                    case "blob" -> {
                        byte[] blob = ("x".repeat(Integer.parseInt(argument)) + "\n").getBytes(StandardCharsets.US_ASCII);
                        if (!connection.write(blob)) {
                            events.add(name + " refused");
                            in.position(start); // shown again once the output has drained
                            return;
                        }
                    }
                    case "task" -> {
                        TaskPayload payload = connection.tryClaimTask(0);
                        payload.putInt(0, Integer.parseInt(argument));
                        connection.commitTask();
                    }
                    case "handoff" -> {
                        connection.handOff(this::serveBlocking);
                        return;
                    }
                    case "pingpong", "move" -> {
                        connection.moveToWorker();
                        return;
                    }
                    case "home" -> {
                        connection.moveHome();
                        return;
                    }
                    case "where" -> say(connection, role.name());
                    case "draining" -> say(connection, "draining " + connection.draining());
                    case "timer" -> connection.setTimer(Long.parseLong(argument));
                    case "repeat" -> {
                        repeats = 2;
                        connection.setTimer(Long.parseLong(argument));
                    }
                    case "drop" -> {
                        say(connection, "lost");
                        connection.close();
                    }
                    case "bye" -> {
                        say(connection, "bye");
                        connection.closeAfterWrite();
                    }
                    case "close" -> connection.close();
                    case "reset" -> connection.reset();
                    default -> say(connection, "unknown " + command);
                }
            }
        }

        /** On the worker's blocking side: answers one line, read with blocking reads, and goes home. */
        private boolean serveBlocking(BlockingConnection blocking) throws IOException {
            String text;
            while ((text = line(blocking.input())) == null) {
                if (blocking.read() < 0) {
                    return false;
                }
            }
            blocking.write(("blocking " + text + "\n").getBytes(StandardCharsets.US_ASCII));
            return true;
        }

        @Override
        public void onTaskDone(Connection connection, int taskType, TaskPayload result) {
            say(connection, "done " + result.getInt(4));
        }

        @Override
        public void onQueueTimeout(Connection connection) {
            say(connection, "busy");
        }

        @Override
        public void onArrived(Connection connection) {
            if (pingPong) {
                if (role == LoopInfo.Role.ACCEPT_LOOP) {
                    connection.moveToWorker();
                } else {
                    connection.moveHome();
                }
                return;
            }
            events.add(name + " arrived");
            say(connection, "arrived on " + role);
        }

        @Override
        public void onWritable(Connection connection) {
            events.add(name + " writable");
        }

        @Override
        public void onTimer(Connection connection) {
            say(connection, "timer at " + connection.nowMs());
            if (repeats-- > 0) {
                connection.setTimer(30);
            }
        }

        @Override
        public void onInputEnded(Connection connection) {
            events.add(name + " ended");
            if (connection.tasksInFlight() == 0) { // else told again once the task's answer is written
                connection.closeAfterWrite();
            }
        }

        @Override
        public void onClose(Connection connection) {
            events.add(name + " close");
        }
    }
}
