package loopwork.core.loop;

import static loopwork.core.Lines.line;
import static loopwork.core.Lines.say;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import loopwork.core.Connection;
import loopwork.core.ConnectionHandler;
import loopwork.core.LoopInfo;
import loopwork.core.TaskType;
import loopwork.core.transport.MemoryPeer;
import loopwork.core.transport.MemoryTransport;

/**
 * An accept loop on the in-memory transport, stepped by calling {@link EventLoop#doWork()} on the test's
 * thread (its own never starts): a line protocol's connections accepted, answered, written in parts through a
 * small send window, half-closed, reset from either side, and refused when the pool is full. No threads,
 * sockets or sleeps: each step does what is ready and returns.
 */
class SteppedAcceptLoopTest {

    private static final int CAPACITY = 2;

    private final MemoryTransport transport = new MemoryTransport();
    private final AcceptLoop loop;

    SteppedAcceptLoopTest() throws IOException {
        LoopInfo info = new LoopInfo(0, CAPACITY, 256, 256, LoopInfo.Role.ACCEPT_LOOP);
        loop = new AcceptLoop(info, new Echo(), "busy\n".getBytes(StandardCharsets.US_ASCII), new WorkerLoop[0],
                new TaskType[0], 64, transport, 1_000, null);
        loop.bind(new InetSocketAddress(0), 16, 0, false);
    }

    /** Echoes each line; "bye" answers and closes after the answer, "reset" resets the connection. */
    private static final class Echo implements ConnectionHandler {
        @Override
        public void onData(Connection connection, ByteBuffer in) {
            for (String command; (command = line(in)) != null;) {
                switch (command) {
                    case "bye" -> {
                        say(connection, "bye");
                        connection.closeAfterWrite();
                    }
                    case "reset" -> connection.reset();
                    case "oom" -> throw new OutOfMemoryError("Java heap space"); // what a handler making state may meet
                    // A class of the handler's that failed its static initializer, or could not be read (out of
                    // descriptors, with classes in a directory): a LinkageError.
                    case "linkage" -> throw new NoClassDefFoundError("loopwork/example/Codec");
                    default -> say(connection, command);
                }
            }
        }
    }

    @AfterEach
    void close() {
        loop.onClose();
        loop.release();
        transport.close();
    }

    private int step() {
        return loop.doWork();
    }

    @Test
    void aLineSentBeforeTheAcceptIsAnsweredInTheSameStep() {
        MemoryPeer client = transport.connect(0);
        client.send("hello\n");
        assertThat(step()).isPositive();
        assertThat(client.receivedAscii()).isEqualTo("hello\n");
        assertThat(loop.stats.accepted()).isEqualTo(1);

        assertThat(step()).as("nothing to do").isZero();
        client.send("again\nand ");
        step();
        assertThat(client.receivedAscii()).isEqualTo("again\n");
        client.send("more\n");
        step();
        assertThat(client.receivedAscii()).as("the rest of a line kept across reads").isEqualTo("and more\n");
        assertThat(client.isClosedByServer()).isFalse();
    }

    /**
     * A heap too full for what a handler makes, or a class it needs that cannot load, fails that connection, not
     * the loop that serves the others.
     */
    @ParameterizedTest
    @ValueSource(strings = {"oom", "linkage"})
    void aHandlerFailingOnAnErrorClosesItsConnectionAndTheLoopServesOn(String command) {
        MemoryPeer failing = transport.connect(0);
        failing.send(command + "\n");
        step();
        assertThat(failing.isClosedByServer()).isTrue();
        assertThat(loop.stats.counters.handlerErrors.get()).isEqualTo(1);

        MemoryPeer next = transport.connect(0);
        next.send("hello\n");
        step();
        assertThat(next.receivedAscii()).isEqualTo("hello\n");
        assertThat(loop.stats.open()).isEqualTo(1);
    }

    @Test
    void aPartialWriteWaitsForTheWindowAndKeepsItsOrder() {
        MemoryPeer client = transport.connect(0);
        client.window(3);
        client.send("hello\n");
        step();
        assertThat(client.receivedAscii()).isEqualTo("hel");

        client.send("world\n"); // read while the rest waits: it queues behind it
        step();
        step();
        assertThat(client.receivedAscii()).as("the window is shut").isEmpty();

        client.window(1_000);
        step();
        assertThat(client.receivedAscii()).isEqualTo("lo\nworld\n");
        client.send("after\n");
        step();
        assertThat(client.receivedAscii()).isEqualTo("after\n");
    }

    @Test
    void aHalfClosedClientGetsItsAnswersThenTheClose() {
        MemoryPeer client = transport.connect(0);
        step();
        client.send("last\n");
        client.shutdownOutput();
        step();
        assertThat(client.receivedAscii()).isEqualTo("last\n");
        assertThat(client.isClosedByServer()).as("the end is read on the next poll").isFalse();
        step();
        assertThat(client.isClosedByServer()).isTrue();
        assertThat(client.wasReset()).isFalse();
        assertThat(loop.stats.closed()).isEqualTo(1);
        assertThat(loop.pool.freeCount()).as("the context is back in the pool").isEqualTo(CAPACITY);
    }

    @Test
    void aCloseAfterWriteWaitsForTheAnswerToLeave() {
        MemoryPeer client = transport.connect(0);
        client.window(2);
        client.send("bye\n");
        step();
        assertThat(client.receivedAscii()).isEqualTo("by");
        assertThat(client.isClosedByServer()).isFalse();
        client.window(10);
        step();
        assertThat(client.receivedAscii()).isEqualTo("e\n");
        assertThat(client.isClosedByServer()).isTrue();
    }

    @Test
    void resetsFromEitherSideClose() {
        MemoryPeer resetting = transport.connect(0);
        MemoryPeer reset = transport.connect(0);
        step();
        resetting.reset();
        reset.send("reset\n");
        step();
        assertThat(resetting.isClosedByServer()).as("its read failed").isTrue();
        assertThat(resetting.wasReset()).isFalse();
        assertThat(reset.isClosedByServer()).isTrue();
        assertThat(reset.wasReset()).isTrue();
        assertThat(loop.pool.freeCount()).isEqualTo(CAPACITY);
    }

    @Test
    void aClientBeyondThePoolIsRefused() {
        MemoryPeer first = transport.connect(0);
        MemoryPeer second = transport.connect(0);
        MemoryPeer third = transport.connect(0);
        step();
        assertThat(third.receivedAscii()).isEqualTo("busy\n");
        assertThat(third.isClosedByServer()).isTrue();
        assertThat(loop.stats.rejected()).isEqualTo(1);

        first.send("bye\n");
        step();
        assertThat(first.isClosedByServer()).isTrue();
        MemoryPeer fourth = transport.connect(0);
        fourth.send("in\n");
        step();
        assertThat(fourth.receivedAscii()).as("the freed context serves the next").isEqualTo("in\n");
        assertThat(second.isClosedByServer()).isFalse();
    }
}
