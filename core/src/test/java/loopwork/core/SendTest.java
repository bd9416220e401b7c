package loopwork.core;

import static loopwork.core.Lines.line;
import static loopwork.core.Lines.say;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Connection#send}: answers far larger than the output buffer, sent from the loop as the peer reads,
 * from one shared buffer that nothing copies whole, across a move and a hand-off, and over real sockets. Stepped
 * on a {@link ManualKit} with a 256-byte output buffer, except the last test.
 */
@Timeout(60)
class SendTest {

    private static final int OUTPUT_BYTES = 256;
    /** What "big N" sends N bytes of: byte i is i % 251, so a byte out of place shows. */
    private static final ByteBuffer BLOB = pattern(8 << 20);

    private final List<String> events = new ArrayList<>();
    private final ManualKit kit;

    SendTest() throws IOException {
        kit = Kit.builder().protocol(new Big()).acceptThreads(1).workerThreads(1).acceptCapacity(4)
                .inputBufferBytes(256).outputBufferBytes(OUTPUT_BYTES).buildManual();
    }

    @AfterEach
    void everyContextCameBack() {
        try {
            kit.runUntilIdle();
            assertThat(kit.poolsFull()).as(kit.toString()).isTrue();
            assertThat(kit.loopStats().get(0).handlerErrors()).isZero();
        } finally {
            kit.close();
        }
    }

    @Test
    void aReplyManyTimesTheOutputBufferGoesOutAsTheClientReadsThenTheNextRequestIsAnswered() {
        ManualClient client = kit.connect();
        client.window(1_000);
        client.send("big 100000\necho after\n");
        kit.runUntilIdle();
        assertThat(client.take()).as("what the window took").hasSize(1_000);
        assertThat(events).as("held: the echo behind it was refused, nothing told yet")
                .containsExactly("ACCEPT_LOOP refused");
        for (int i = 0; i < 20; i++) {
            client.window(3_000);
            kit.runUntilIdle();
        }
        client.window(1 << 20);
        kit.runUntilIdle();
        assertThat(events).containsExactly("ACCEPT_LOOP refused", "ACCEPT_LOOP sent", "ACCEPT_LOOP writable");
        assertThat(BLOB.position()).as("the shared buffer is left as it was").isZero();
        end(client);
    }

    @Test
    void theBytesArriveWholeAndInOrderAfterWhatWasWrittenBefore() {
        ManualClient client = kit.connect();
        client.window(777);
        client.send("big 50000\nbig 300\n");
        StringBuilder seen = new StringBuilder();
        byte[] all = new byte[0];
        for (int i = 0; i < 200 && all.length < 50_300 + 12; i++) {
            kit.runUntilIdle();
            byte[] more = client.take();
            byte[] joined = new byte[all.length + more.length];
            System.arraycopy(all, 0, joined, 0, all.length);
            System.arraycopy(more, 0, joined, all.length, more.length);
            all = joined;
            client.window(777);
        }
        seen.append(new String(all, 0, 6, StandardCharsets.US_ASCII));
        assertThat(seen.toString()).isEqualTo("50000\n");
        assertPattern(all, 6, 50_000);
        assertThat(new String(all, 50_006, 4, StandardCharsets.US_ASCII)).isEqualTo("300\n");
        assertPattern(all, 50_010, 300);
        assertThat(all).hasSize(50_310);
        end(client);
    }

    @Test
    void aConnectionMovedWhileSendingFinishesOnTheWorkersLoopAndHearsOnSentThere() {
        ManualClient client = kit.connect();
        client.window(500);
        client.send("big 20000 move\n");
        kit.runUntilIdle();
        assertThat(kit.workerStats().get(0).held()).isEqualTo(1);
        client.window(1 << 20);
        kit.runUntilIdle();
        byte[] all = client.take();
        assertThat(all.length).isEqualTo(500 + 20_006 - 500);
        assertThat(events).containsExactly("WORKER_LOOP arrived", "WORKER_LOOP sent");
        end(client);
    }

    @Test
    void aHandOffSendsTheRestFirstAndOnSentComesHome() {
        ManualClient client = kit.connect();
        client.send("big 5000 handoff\n");
        kit.runUntilIdle();
        byte[] all = client.take();
        assertThat(all).hasSize(5_005 + "blocking\n".length());
        assertPattern(all, 5, 5_000);
        assertThat(new String(all, 5_005, 9, StandardCharsets.US_ASCII)).isEqualTo("blocking\n");
        assertThat(events).containsExactly("ACCEPT_LOOP arrived", "ACCEPT_LOOP sent");
        end(client);
    }

    @Test
    void aSendIsRefusedWhileAnotherIsHeldAndOnWritableFollows() {
        ManualClient client = kit.connect();
        client.window(10);
        client.send("twice 2000\n");
        kit.runUntilIdle();
        assertThat(events).containsExactly("ACCEPT_LOOP second refused");
        client.window(1 << 20);
        kit.runUntilIdle();
        assertThat(client.take()).hasSize(2_005);
        assertThat(events).containsExactly("ACCEPT_LOOP second refused", "ACCEPT_LOOP sent", "ACCEPT_LOOP writable");
        end(client);
    }

    @Test
    void aClientThatResetsWhileItIsSentToLetsTheRegionGoWithOnClose() {
        ManualClient client = kit.connect();
        client.window(100);
        client.send("big 10000\n");
        kit.runUntilIdle();
        client.reset();
        kit.runUntilIdle();
        assertThat(events).containsExactly("ACCEPT_LOOP close");
    }

    /** Over real sockets, the kit's transport and NIO's (the nio-transport run): 8 MB, more than the socket's buffers hold,
     * then a hand-off that sends most of another 8 MB from its worker. */
    @Test
    void eightMegabytesGoOutOverARealSocketFromTheLoopAndFromAHandOff() throws Exception {
        try (Kit real = Kit.builder().protocol(new Big()).host("127.0.0.1").port(0).acceptThreads(1)
                .workerThreads(1).acceptCapacity(2).outputBufferBytes(4096).build()) {
            real.start();
            try (Socket socket = Lines.connect(real)) {
                Lines.send(socket, "big 8388608\nbig 10\nbig 8388608 handoff\n");
                InputStream in = socket.getInputStream();
                assertThat(new String(in.readNBytes(8), StandardCharsets.US_ASCII)).isEqualTo("8388608\n");
                assertPattern(in.readNBytes(8 << 20), 0, 8 << 20);
                assertThat(new String(in.readNBytes(3), StandardCharsets.US_ASCII)).isEqualTo("10\n");
                assertPattern(in.readNBytes(10), 0, 10);
                assertThat(new String(in.readNBytes(8), StandardCharsets.US_ASCII)).isEqualTo("8388608\n");
                assertPattern(in.readNBytes(8 << 20), 0, 8 << 20); // most of it by the worker, blocking
                assertThat(new String(in.readNBytes(9), StandardCharsets.US_ASCII)).isEqualTo("blocking\n");
            }
            assertThat(real.unexpectedFailures()).isZero();
        }
    }

    /**
     * Sends of 64 KB, 16 times the output buffer, each going out over several writable events, allocate nothing
     * on the loop thread once warm: counted with the thread's allocation counter, on the epoll transport.
     */
    @Test
    void sendingAllocatesNothingOnTheLoopThread() throws Exception {
        assumeTrue(Transport.preferred() == Transport.EPOLL, "NIO's selector allocates on its own");
        ConnectionHandler sender = new ConnectionHandler() {
            @Override
            public void onData(Connection connection, ByteBuffer in) {
                while (in.hasRemaining() && !connection.isSending()) {
                    in.get();
                    connection.send(BLOB, 0, 65_536);
                }
            }
        };
        try (Kit real = Kit.builder().protocol(loop -> sender).host("127.0.0.1").port(0).acceptThreads(1)
                .workerThreads(0).acceptCapacity(2).outputBufferBytes(4096).build()) {
            real.start();
            com.sun.management.ThreadMXBean threads =
                    (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
            long loop = real.loopStats().getFirst().threadId();
            try (Socket socket = Lines.connect(real)) {
                exchange(socket, 10_000);
                long before = threads.getThreadAllocatedBytes(loop);
                exchange(socket, 3_000);
                long bytes = threads.getThreadAllocatedBytes(loop) - before;
                System.out.printf("send allocation: %d bytes on the loop for 3000 sends of 64 KB%n", bytes);
                assertThat(bytes).as("bytes allocated on the loop thread").isZero();
            }
        }
    }

    /** {@code rounds} times: asks for a 64 KB send by one byte, reads it whole. */
    private static void exchange(Socket socket, int rounds) throws IOException {
        byte[] body = new byte[65_536];
        for (int i = 0; i < rounds; i++) {
            socket.getOutputStream().write('g');
            if (socket.getInputStream().readNBytes(body, 0, body.length) != body.length) {
                throw new AssertionError("the send was cut short");
            }
        }
    }

    private void end(ManualClient client) {
        client.shutdownOutput();
        kit.runUntilIdle();
        assertThat(client.isClosedByServer()).isTrue();
    }

    private static ByteBuffer pattern(int size) {
        ByteBuffer blob = ByteBuffer.allocateDirect(size);
        for (int i = 0; i < size; i++) {
            blob.put(i, (byte) (i % 251));
        }
        return blob.asReadOnlyBuffer();
    }

    private static void assertPattern(byte[] bytes, int from, int length) {
        for (int i = 0; i < length; i++) {
            if (bytes[from + i] != (byte) (i % 251)) {
                throw new AssertionError("byte " + i + " of the blob is " + bytes[from + i]);
            }
        }
    }

    /**
     * "big N [move|handoff]": N as a line, then N bytes of the shared blob sent; "twice N": two sends, the second
     * refused; "echo X". A request is taken only once the connection is not sending.
     */
    private final class Big implements Protocol {
        @Override
        public ConnectionHandler newHandler(LoopInfo loop) {
            String role = loop.role().name();
            return new ConnectionHandler() {
                @Override
                public void onData(Connection connection, ByteBuffer in) {
                    for (;;) {
                        int start = in.position();
                        String command = line(in);
                        if (command == null) {
                            return;
                        }
                        String[] words = command.split(" ");
                        switch (words[0]) {
                            case "big" -> {
                                if (connection.isSending()) {
                                    in.position(start); // shown again after onSent
                                    return;
                                }
                                int size = Integer.parseInt(words[1]);
                                say(connection, words[1]);
                                assertThat(connection.send(BLOB, 0, size)).isTrue();
                                if (words.length > 2 && words[2].equals("move")) {
                                    assertThat(connection.moveToWorker()).isTrue();
                                    return;
                                }
                                if (words.length > 2 && words[2].equals("handoff")) {
                                    assertThat(connection.handOff(blocking -> {
                                        blocking.write("blocking\n".getBytes(StandardCharsets.US_ASCII));
                                        return true;
                                    })).isTrue();
                                    return;
                                }
                            }
                            case "twice" -> {
                                int size = Integer.parseInt(words[1]);
                                say(connection, words[1]);
                                connection.send(BLOB, 0, size);
                                if (!connection.send(BLOB, 0, size)) {
                                    events.add(role + " second refused");
                                }
                            }
                            default -> {
                                if (!connection.write((command.substring(5) + "\n").getBytes(StandardCharsets.US_ASCII))) {
                                    events.add(role + " refused");
                                    in.position(start);
                                    return;
                                }
                            }
                        }
                    }
                }

                @Override
                public void onSent(Connection connection) {
                    events.add(role + " sent");
                }

                @Override
                public void onWritable(Connection connection) {
                    events.add(role + " writable");
                }

                @Override
                public void onArrived(Connection connection) {
                    events.add(role + " arrived");
                }

                @Override
                public void onClose(Connection connection) {
                    if (!connection.inputEnded()) {
                        events.add(role + " close");
                    }
                }
            };
        }
    }
}
