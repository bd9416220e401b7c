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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A protocol that lets its connections escape their thread, over real sockets: a {@link Connection} or a
 * {@link BlockingConnection} used from a thread that does not serve it now fails with an
 * {@link AssertionError} on that thread (the tests run with {@code -ea}), before it changes anything: the
 * connection goes on as if the call had not been made. Each answer names what each call did, so each
 * check fails if its assert is taken out.
 */
class OwnershipTest {

    private static final String STRANGER = "not-the-owner";

    /** A call that may throw anything. */
    interface Call {
        void run() throws Exception;
    }

    /**
     * "name:refused" when {@code call} failed the owner check of the method {@code name} itself (not one further
     * in), else what happened.
     */
    static String outcome(String name, Call call) {
        try {
            call.run();
            return name + ":ran";
        } catch (AssertionError e) {
            String message = String.valueOf(e.getMessage());
            boolean refused = message.contains(name + " called on " + Thread.currentThread().getName());
            return name + (refused ? ":refused" : ":" + message);
        } catch (Exception | Error e) {
            return name + ":" + e;
        }
    }

    /** {@link #outcome} of {@code call} on a thread of its own, which serves no connection. */
    static String onStranger(String name, Call call) throws InterruptedException {
        AtomicReference<String> result = new AtomicReference<>();
        Thread thread = new Thread(() -> result.set(outcome(name, call)), STRANGER);
        thread.start();
        thread.join(10_000);
        return result.get();
    }

    static final class Leaky implements Protocol {
        /** Connections by the name a "name" line gave them, for other connections to reach. */
        final Map<String, Connection> named = new ConcurrentHashMap<>();
        /** Connections opened so far, on any loop. */
        final AtomicInteger opened = new AtomicInteger();
        /** What a handler that went on after closing its connection on a worker's loop saw then. */
        final AtomicReference<String> lingered = new AtomicReference<>();

        @Override
        public void registerTasks(TaskRegistry tasks) {
            tasks.register(new TaskType() {
                @Override
                public int payloadBytes() {
                    return 0;
                }

                @Override
                public void run(TaskPayload payload) {
                }
            });
        }

        @Override
        public byte[] refusal() {
            return "busy\n".getBytes(StandardCharsets.US_ASCII);
        }

        @Override
        public ConnectionHandler newHandler(LoopInfo loop) {
            return new ConnectionHandler() {
                @Override
                public void onData(Connection connection, ByteBuffer in) {
                    String command;
                    while ((command = line(in)) != null) {
                        try {
                            if (!run(connection, command)) {
                                return;
                            }
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                }

                /** Returns false when the connection leaves. */
                private boolean run(Connection connection, String command) throws InterruptedException {
                    if (command.equals("leak")) {
                        byte[] bytes = "x\n".getBytes(StandardCharsets.US_ASCII);
                        say(connection, String.join(" ",
                                "serving:" + connection.inServingThread(),
                                onStranger("stranger", () -> {
                                    if (connection.inServingThread()) {
                                        throw new IllegalStateException("a stranger serves it");
                                    }
                                }),
                                onStranger("write", () -> connection.write(bytes)),
                                onStranger("write", () -> connection.write(ByteBuffer.wrap(bytes))),
                                onStranger("canWrite", () -> connection.canWrite(1)),
                                onStranger("setTimer", () -> connection.setTimer(0)),
                                onStranger("cancelTimer", connection::cancelTimer),
                                onStranger("tryClaimTask", () -> connection.tryClaimTask(0)),
                                onStranger("commitTask", connection::commitTask),
                                onStranger("moveToWorker", connection::moveToWorker),
                                onStranger("handOff", () -> connection.handOff(blocking -> true)),
                                onStranger("attach", () -> connection.attach("stolen")),
                                onStranger("closeAfterWrite", connection::closeAfterWrite),
                                onStranger("reset", connection::reset),
                                onStranger("close", connection::close)));
                    } else if (command.startsWith("name ")) {
                        named.put(command.substring(5), connection);
                        say(connection, "named");
                    } else if (command.startsWith("poke ")) {
                        // On this loop's thread, a connection another thread serves now.
                        Connection other = named.get(command.substring(5));
                        say(connection, outcome("write", () -> other.write("poked\n".getBytes(StandardCharsets.US_ASCII))));
                    } else if (command.equals("closeAndLinger")) {
                        // Closes, then in the same call waits until the test's next connection has opened, and
                        // looks at this one again, as a handler may after a close inside its call.
                        int before = opened.get();
                        connection.close();
                        long deadline = System.nanoTime() + 5_000_000_000L;
                        while (opened.get() == before && System.nanoTime() - deadline < 0) {
                            Thread.onSpinWait();
                        }
                        lingered.set("open:" + connection.isOpen() + " "
                                + outcome("write", () -> connection.write("leaked\n".getBytes(StandardCharsets.US_ASCII))));
                        return false;
                    } else if (command.equals("stay")) {
                        return !connection.moveToWorker();
                    } else if (command.equals("handoff")) {
                        return !connection.handOff(blocking -> {
                            String answer = String.join(" ",
                                    onStranger("BlockingConnection.write", () -> blocking.write(new byte[1])),
                                    onStranger("BlockingConnection.read", blocking::read),
                                    onStranger("BlockingConnection.input", blocking::input),
                                    onStranger("close", connection::close),
                                    "serving:" + connection.inServingThread()) + "\n";
                            blocking.write(answer.getBytes(StandardCharsets.US_ASCII));
                            return true;
                        });
                    } else {
                        say(connection, command);
                    }
                    return true;
                }

                @Override
                public void onOpen(Connection connection) {
                    opened.incrementAndGet();
                }

                @Override
                public void onArrived(Connection connection) {
                    say(connection, "arrived " + connection.isHome());
                }
            };
        }
    }

    private static Kit start(Leaky protocol) throws IOException {
        return start(protocol, SyncThreads.DEFAULT);
    }

    private static Kit start(Leaky protocol, SyncThreads syncThreads) throws IOException {
        Kit kit = Kit.builder().host("127.0.0.1").port(0).acceptThreads(1).acceptCapacity(8).workerThreads(1)
                .taskSlotsPerWorker(4).syncThreads(syncThreads).protocol(protocol).build();
        kit.start();
        return kit;
    }

    @Test
    void aConnectionUsedFromAThreadThatDoesNotServeItFailsAnAssertAndIsLeftAsItWas() throws Exception {
        try (Kit kit = start(new Leaky()); Socket socket = connect(kit)) {
            send(socket, "leak\n");
            assertThat(readLine(socket)).isEqualTo("serving:true stranger:ran write:refused write:refused"
                    + " canWrite:refused setTimer:refused cancelTimer:refused tryClaimTask:refused"
                    + " commitTask:refused moveToWorker:refused handOff:refused attach:refused"
                    + " closeAfterWrite:refused reset:refused close:refused");
            send(socket, "still here\n");
            assertThat(readLine(socket)).as("nothing the stranger tried took effect").isEqualTo("still here");
            assertThat(kit.unexpectedFailures()).isZero();
        }
    }

    @Test
    void aConnectionMovedToAWorkerIsNoLongerItsHomeLoopsToUse() throws Exception {
        try (Kit kit = start(new Leaky()); Socket moved = connect(kit); Socket other = connect(kit)) {
            send(moved, "name moved\nstay\n");
            assertThat(readLine(moved)).isEqualTo("named");
            assertThat(readLine(moved)).isEqualTo("arrived false");
            send(moved, "leak\n");
            assertThat(readLine(moved)).as("on the worker's loop as at home").startsWith("serving:true stranger:ran"
                    + " write:refused");
            send(other, "poke moved\n");
            assertThat(readLine(other)).as("its home loop, once it moved").isEqualTo("write:refused");
            send(moved, "still here\n");
            assertThat(readLine(moved)).isEqualTo("still here");
        }
    }

    /**
     * A connection closed on a worker's loop goes back to its home's pool, where the next connection may take
     * its context: not before the handler call that closed it has returned, or what the rest of that call
     * does with its {@link Connection} would reach the next connection, from the wrong thread.
     */
    @Test
    void aConnectionClosedOnAWorkersLoopIsNotReusedWhileTheCallThatClosedItGoesOn() throws Exception {
        Leaky protocol = new Leaky();
        try (Kit kit = start(protocol); Socket moved = connect(kit)) {
            send(moved, "stay\n");
            assertThat(readLine(moved)).isEqualTo("arrived false");
            send(moved, "closeAndLinger\n");
            assertThat(moved.getInputStream().read()).as("closed").isEqualTo(-1);
            try (Socket next = connect(kit)) {
                send(next, "hello\n");
                assertThat(readLine(next)).isEqualTo("hello");
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (protocol.lingered.get() == null && System.nanoTime() - deadline < 0) {
                    Thread.sleep(1);
                }
                assertThat(protocol.lingered.get()).as("the closed connection, seen by the rest of its call")
                        .isEqualTo("open:false write:ran");
                send(next, "bye\n");
                assertThat(readLine(next)).as("nothing of the closed connection's").isEqualTo("bye");
            }
            assertThat(kit.unexpectedFailures()).isZero();
        }
    }

    /** On a virtual thread as on the worker's own: only the thread serving the hand-off may use it. */
    @ParameterizedTest
    @EnumSource(SyncThreads.class)
    void aHandedOffConnectionIsItsWorkersToUse(SyncThreads syncThreads) throws Exception {
        try (Kit kit = start(new Leaky(), syncThreads); Socket socket = connect(kit)) {
            send(socket, "handoff\n");
            assertThat(readLine(socket)).isEqualTo("BlockingConnection.write:refused"
                    + " BlockingConnection.read:refused BlockingConnection.input:refused close:refused serving:true");
            assertThat(readLine(socket)).isEqualTo("arrived true");
            send(socket, "still here\n");
            assertThat(readLine(socket)).isEqualTo("still here");
        }
    }
}
