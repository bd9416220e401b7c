package loopwork.core.loop;

import static loopwork.core.Lines.line;
import static loopwork.core.Lines.say;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import loopwork.core.BlockingHandler;
import loopwork.core.Connection;
import loopwork.core.ConnectionHandler;
import loopwork.core.HandOffLimits;
import loopwork.core.LoopInfo;
import loopwork.core.TaskType;
import loopwork.core.transport.MemoryPeer;
import loopwork.core.transport.MemoryTransport;

/**
 * A connection's trips between an accept loop and a worker, every thread stepped by the test (none starts) on
 * the memory transport and a clock it moves: closed on the worker's loop during a call, it comes home once and
 * every count is back; a hand-off waiting past the queue timeout comes back home unserved, and can leave again;
 * a hand-off served returns home.
 */
class TripsSteppedTest {

    final MemoryTransport transport = new MemoryTransport();
    final long[] now = {1_000};
    final List<String> events = new ArrayList<>();
    final WorkerLoop[] workers = new WorkerLoop[1];
    final AcceptLoop home;
    final AsyncLoop workerLoop;

    /** What the blocking handler throws, if anything. */
    Throwable throwing;
    final BlockingHandler blocking = connection -> {
        events.add("serve");
        switch (throwing) {
            case null -> {
                return true;
            }
            case Error e -> throw e;
            case Exception e -> throw e;
            default -> throw new IllegalArgumentException(throwing);
        }
    };

    final class Handler implements ConnectionHandler {
        final String where;

        Handler(String where) {
            this.where = where;
        }

        @Override
        public void onData(Connection connection, ByteBuffer in) {
            for (String command; (command = line(in)) != null;) {
                events.add(where + ":" + command);
                switch (command) {
                    case "move" -> connection.moveToWorker();
                    case "hand" -> connection.handOff(blocking);
                    case "handNull" -> connection.handOff(null);
                    case "home" -> connection.moveHome();
                    case "close" -> {
                        connection.close();
                        say(connection, "after close"); // refused
                    }
                    default -> say(connection, where + " " + command);
                }
            }
        }

        @Override
        public void onArrived(Connection connection) {
            events.add(where + ":arrived");
        }

        @Override
        public void onQueueTimeout(Connection connection) {
            events.add(where + ":queueTimeout");
        }

        @Override
        public void onClose(Connection connection) {
            events.add(where + ":closed");
        }
    }

    TripsSteppedTest() throws Exception {
        workers[0] = new WorkerLoop(0, 8, 64, workers, new TaskType[0], new Handler("blocking"), new Handler("worker"),
                256, 256, transport, HandOffLimits.DEFAULTS, 1_000, null, () -> now[0], null);
        LoopInfo info = new LoopInfo(0, 2, 256, 256, LoopInfo.Role.ACCEPT_LOOP);
        home = new AcceptLoop(info, new Handler("home"), "busy\n".getBytes(StandardCharsets.US_ASCII), workers,
                new TaskType[0], 64, transport, 1_000, null, () -> now[0]);
        home.bind(new InetSocketAddress(0), 16, 0, false);
        workers[0].homes(new AcceptLoop[] {home});
        workerLoop = workers[0].loop();
    }

    @AfterEach
    void close() {
        home.release();
        workers[0].release();
        transport.close();
    }

    @Test
    void closedOnTheWorkerLoopDuringACallComesHomeOnce() {
        MemoryPeer client = transport.connect(0);
        client.send("move\n");
        home.doWork();
        assertThat(home.stats.away()).isEqualTo(1);
        workerLoop.doWork();
        client.send("close\n");
        workerLoop.doWork();
        workerLoop.doWork();
        home.doWork();
        home.doWork();
        assertThat(events).containsExactly("home:move", "worker:arrived", "worker:close", "worker:closed");
        assertThat(client.isClosedByServer()).isTrue();
        assertThat(client.receivedAscii()).isEmpty();
        assertThat(home.stats.away()).isZero();
        assertThat(home.stats.open()).isZero();
        assertThat(home.stats.closed()).isEqualTo(1);
        assertThat(home.stats.poolFree()).isEqualTo(2);
        assertThat(workers[0].stats().held()).isZero();
    }

    @Test
    void aHandOffPastTheQueueTimeoutComesBackHome() {
        MemoryPeer client = transport.connect(0);
        client.send("hand\n");
        home.doWork();
        assertThat(home.stats.away()).isEqualTo(1);
        now[0] += 1_001;
        home.doWork();
        assertThat(events).containsExactly("home:hand", "home:queueTimeout");
        assertThat(home.stats.away()).isZero();
        assertThat(home.stats.counters.queueTimeouts.get()).isEqualTo(1);
        workers[0].doWork(); // skips the expired slot
        assertThat(events).doesNotContain("serve");
        client.send("again\n");
        home.doWork();
        assertThat(client.receivedAscii()).isEqualTo("home again\n");
        // and the connection can still leave: its worker slot and home's reservation came back
        client.send("move\n");
        home.doWork();
        workerLoop.doWork();
        client.send("home\n");
        workerLoop.doWork();
        home.doWork();
        assertThat(events).endsWith("worker:arrived", "worker:home", "home:arrived");
        assertThat(home.stats.away()).isZero();
    }

    /** A client asks for a hand-off; home, the worker and home again take a step each. */
    private MemoryPeer handOffAndStep() {
        MemoryPeer client = transport.connect(0);
        client.send("hand\n");
        home.doWork();
        workers[0].doWork();
        home.doWork();
        return client;
    }

    @Test
    void aHandOffServedAndReturned() {
        handOffAndStep();
        assertThat(events).containsExactly("home:hand", "serve", "home:arrived");
        assertThat(home.stats.away()).isZero();
        assertThat(workers[0].stats().held()).isZero();
    }

    /**
     * A blocking handler that fails, even on a class it cannot load (a LinkageError) or the heap, fails its
     * connection: closed on the worker, counted, and the worker serves the next hand-off.
     */
    @Test
    void aHandOffWhoseHandlerFailsClosesItsConnectionAndTheWorkerServesOn() {
        for (Throwable failure : List.of(new IllegalStateException("probe"), new NoClassDefFoundError("a/Codec"),
                new OutOfMemoryError("Java heap space"))) {
            throwing = failure;
            MemoryPeer client = handOffAndStep();
            assertThat(client.isClosedByServer()).as("closed after %s", failure).isTrue();
            assertThat(home.stats.away()).isZero();
            assertThat(workers[0].stats().held()).isZero();
        }
        assertThat(workers[0].stats().handlerErrors()).isEqualTo(3);
        throwing = null;
        handOffAndStep();
        assertThat(events).endsWith("home:hand", "serve", "home:arrived");
        assertThat(home.stats.poolFree()).isEqualTo(1);
    }

    /** A hand-off with no handler is a bug, named at once: the call throws, failing that connection only. */
    @Test
    void aHandOffWithNoHandlerThrows() {
        MemoryPeer client = transport.connect(0);
        client.send("handNull\n");
        home.doWork();
        assertThat(client.isClosedByServer()).isTrue();
        assertThat(home.stats.counters.handlerErrors.get()).isEqualTo(1);
        assertThat(home.stats.away()).isZero();
        assertThat(home.stats.poolFree()).isEqualTo(2);
    }
}
