package loopwork.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a protocol needs of the kit beyond reading and writing, one test each: {@link KitTest}'s example under
 * backpressure and with every worker busy, a task sent to the worker its key belongs to, handlers that know
 * which thread they serve, a hand-off's argument, a protocol's own counters, the library's defaults, a
 * forgotten {@code onTaskDone} that is not silent, and {@link Kit#await()} with a {@code close()} that leaves
 * every pool full. Stepped on a {@link ManualKit} except where threads are the point.
 */
@Timeout(60)
class KitApiTest {

    // ---- KitTest's example, stepped

    @Test
    void theExampleAnswersBusyWhenNoWorkerCanTakeATaskAndWaitsOutARefusedWrite() throws IOException {
        try (ManualKit kit = Kit.builder().protocol(new KitTest.LineProtocol()).acceptThreads(1).workerThreads(1)
                .taskSlotsPerWorker(2).acceptCapacity(4).outputBufferBytes(256).buildManual()) {
            kit.pauseWorkers(); // the worker is busy: its two slots fill, the third claim is refused
            ManualClient[] clients = {kit.connect(), kit.connect(), kit.connect()};
            for (ManualClient client : clients) {
                client.send("sum 1 2\n");
            }
            kit.runUntilIdle();
            assertThat(clients[2].receivedAscii()).as("a null claim answered").isEqualTo("busy\n");
            kit.resumeWorkers();
            kit.runUntilIdle();
            assertThat(clients[0].receivedAscii()).isEqualTo("3\n");
            assertThat(clients[1].receivedAscii()).isEqualTo("3\n");

            ManualClient slow = clients[2];
            slow.window(100);
            String lines = ("x".repeat(99) + "\n").repeat(10) + "sum 40 2\nbye\n";
            slow.send(lines);
            kit.runUntilIdle();
            StringBuilder seen = new StringBuilder(slow.receivedAscii());
            for (int i = 0; i < 20 && !slow.isClosedByServer(); i++) {
                slow.window(100);
                kit.runUntilIdle();
                seen.append(slow.receivedAscii());
            }
            assertThat(seen.toString()).as("every line, in order, none lost to a refused write")
                    .isEqualTo(("x".repeat(99) + "\n").repeat(10) + "42\nbye\n");
            clients[0].shutdownOutput();
            clients[1].shutdownOutput();
            kit.runUntilIdle();
            assertThat(kit.poolsFull()).as(kit.toString()).isTrue();
        }
    }

    // ---- friction 6 and 7: which thread a handler serves, and which worker runs a task

    @Test
    void aTaskClaimedForAWorkerRunsOnThatWorkerOnly() throws IOException {
        List<LoopInfo> infos = new ArrayList<>();
        Protocol sharded = new Protocol() {
            @Override
            public void registerTasks(TaskRegistry tasks) {
                tasks.register(new KitTest.Sum());
            }

            @Override
            public ConnectionHandler newHandler(LoopInfo loop) {
                infos.add(loop);
                return new ConnectionHandler() {
                    @Override
                    public void onData(Connection connection, ByteBuffer in) {
                        int worker = in.get() - '0';
                        TaskPayload task = connection.tryClaimTask(0, worker);
                        task.putLong(0, worker);
                        connection.commitTask();
                    }

                    @Override
                    public void onTaskDone(Connection connection, int taskType, TaskPayload result) {
                        connection.write(new byte[] {(byte) ('0' + result.getLong(16))});
                    }
                };
            }
        };
        try (ManualKit kit = Kit.builder().protocol(sharded).acceptThreads(1).workerThreads(3).acceptCapacity(2)
                .buildManual()) {
            assertThat(infos).extracting(LoopInfo::workers).containsOnly(3);
            assertThat(infos).filteredOn(LoopInfo::isEventLoop).extracting(LoopInfo::role)
                    .containsOnly(LoopInfo.Role.ACCEPT_LOOP, LoopInfo.Role.WORKER_LOOP).hasSize(4);
            ManualClient client = kit.connect();
            for (int i = 0; i < 5; i++) {
                client.send("2");
                kit.runUntilIdle();
            }
            client.send("0");
            kit.runUntilIdle();
            assertThat(client.receivedAscii()).isEqualTo("222220");
            assertThat(kit.workerStats()).extracting(WorkerStatistics::tasksRun).containsExactly(1L, 0L, 5L);
            client.send("3");
            kit.runUntilIdle();
            assertThat(client.isClosedByServer()).as("no worker 3: the handler threw").isTrue();
            assertThat(kit.loopStats().getFirst().handlerErrors()).isEqualTo(1);
        }
    }

    @Test
    void aSharedBlockingHandlerLearnsWhatToDoFromTheArgumentAndReachesItsWorkersHandler() throws IOException {
        try (ManualKit kit = Kit.builder().protocol(RoleHandler::new).acceptThreads(1).workerThreads(1)
                .acceptCapacity(2).buildManual()) {
            ManualClient client = kit.connect();
            client.send("3");
            kit.runUntilIdle();
            assertThat(client.receivedAscii()).isEqualTo("WORKER_BLOCKING WORKER_BLOCKING WORKER_BLOCKING ");
            assertThat(kit.workerStats().getFirst().handOffs()).isEqualTo(1);
            client.shutdownOutput();
            kit.runUntilIdle();
        }
    }

    /** Hands every connection off to {@link #SHARED}, passing the digit it read. */
    static final class RoleHandler implements ConnectionHandler {
        /** One instance for every connection and worker: what it does comes with the connection. */
        private static final BlockingHandler SHARED = blocking -> {
            RoleHandler workers = blocking.handler(); // typed: no cast
            for (long i = 0; i < blocking.argument(); i++) {
                blocking.write((workers.loop.role() + " ").getBytes(StandardCharsets.US_ASCII));
            }
            return true;
        };
        private final LoopInfo loop;

        RoleHandler(LoopInfo loop) {
            this.loop = loop;
        }

        @Override
        public void onData(Connection connection, ByteBuffer in) {
            connection.handOff(SHARED, in.get() - '0');
        }
    }

    // ---- friction 8: a protocol's counters beside the kit's

    @Test
    void aProtocolsCountersAreListedPerThreadBesideTheKits() throws IOException {
        Protocol counting = new Protocol() {
            @Override
            public ConnectionHandler newHandler(LoopInfo loop) {
                throw new AssertionError("the kit calls the two-argument form");
            }

            @Override
            public ConnectionHandler newHandler(LoopInfo loop, CounterRegistry counters) {
                LoopCounter lines = counters.counter("lines");
                return (connection, in) -> {
                    while (in.hasRemaining()) {
                        if (in.get() == '\n') {
                            lines.increment();
                        }
                    }
                };
            }
        };
        try (ManualKit kit = Kit.builder().protocol(counting).acceptThreads(2).workerThreads(1).acceptCapacity(2)
                .buildManual()) {
            assertThat(kit.protocolCounters()).hasSize(4).extracting(LoopCounter::name).containsOnly("lines");
            ManualClient first = kit.connect(0);
            ManualClient second = kit.connect(1);
            first.send("a\nb\n");
            second.send("c\n");
            kit.runUntilIdle();
            assertThat(kit.protocolCounters()).filteredOn(c -> c.loop().role() == LoopInfo.Role.ACCEPT_LOOP)
                    .extracting(LoopCounter::value).containsExactly(2L, 1L);
            first.shutdownOutput();
            second.shutdownOutput();
            kit.runUntilIdle();
        }
    }

    // ---- friction 10 and 11: defaults for a library, and no default that closes silently

    @Test
    void theBuildersDefaultsSuitALibrary() {
        KitConfig config = Kit.builder().protocol(loop -> (connection, in) -> { }).config();
        assertThat(config.host()).as("reachable from this machine only").isEqualTo("127.0.0.1");
        assertThat(config.acceptCapacity()).isEqualTo(1024);
    }

    @Test
    void aForgottenOnTaskDoneIsAHandlerErrorNotASilentClose() throws IOException {
        Protocol forgetful = new Protocol() {
            @Override
            public void registerTasks(TaskRegistry tasks) {
                tasks.register(new KitTest.Sum());
            }

            @Override
            public ConnectionHandler newHandler(LoopInfo loop) {
                return (connection, in) -> {
                    in.position(in.limit());
                    connection.tryClaimTask(0);
                    connection.commitTask();
                };
            }
        };
        try (ManualKit kit = Kit.builder().protocol(forgetful).acceptThreads(1).workerThreads(1).acceptCapacity(2)
                .buildManual()) {
            ManualClient client = kit.connect();
            client.send("x");
            kit.runUntilIdle();
            assertThat(client.isClosedByServer()).isTrue();
            assertThat(kit.loopStats().getFirst().handlerErrors()).as("counted, and logged as onTaskDone's").isEqualTo(1);
        }
    }

    // ---- friction 9: await, and a close that returns with every pool full

    @Test
    void awaitReturnsOnceCloseHasAndCloseTakesBackAHandOffInFlight() throws Exception {
        CountDownLatch serving = new CountDownLatch(1);
        Protocol blockingForever = loop -> (connection, in) -> {
            in.position(in.limit());
            connection.handOff(blocking -> {
                serving.countDown();
                new CountDownLatch(1).await(); // until the worker is interrupted as the kit stops
                return true;
            });
        };
        Kit kit = Kit.builder().protocol(blockingForever).port(0).acceptThreads(1).workerThreads(1)
                .acceptCapacity(2).build();
        kit.start();
        CountDownLatch awaited = new CountDownLatch(1);
        Thread waiter = Thread.ofPlatform().start(() -> {
            try {
                kit.await();
                awaited.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try (Socket socket = Lines.connect(kit)) {
            Lines.send(socket, "x");
            assertThat(serving.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(awaited.getCount()).as("still serving").isEqualTo(1);
            kit.close();
            assertThat(kit.loopStats().getFirst().away()).as("the hand-off came back").isZero();
            assertThat(kit.loopStats().getFirst().poolFree()).as("full as close returns")
                    .isEqualTo(kit.loopStats().getFirst().capacity());
            assertThat(awaited.await(10, TimeUnit.SECONDS)).isTrue();
        }
        waiter.join(10_000);
        assertThatThrownBy(kit::start).isInstanceOf(IllegalStateException.class);
    }
}
