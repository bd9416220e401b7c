package loopwork.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Messages against a 256-byte input buffer, stepped on a {@link ManualKit}: one larger than the buffer that the
 * handler cannot take in parts ends in {@link ConnectionHandler#onInputFull} and a close, at home and on a
 * worker's loop, never a silent hang; one the handler streams, consuming each part as it comes, of any size;
 * and {@link Connection#awaitBytes}, which spares the handler a parse per read of a message that trickles in.
 *
 * <p>The protocol: "N:" then N bytes. A handler that streams answers the sum of the bytes; one that does not
 * waits for the whole message, then answers its length.
 */
@Timeout(30)
class LargeInputTest {

    private static final int INPUT_BYTES = 256;

    private boolean streaming;
    private boolean awaiting;
    private int dataCalls;
    private final StringBuilder events = new StringBuilder();
    private final ManualKit kit;

    LargeInputTest() throws IOException {
        kit = Kit.builder().protocol(loop -> new Prefixed()).acceptThreads(1).workerThreads(1).acceptCapacity(2)
                .inputBufferBytes(INPUT_BYTES).outputBufferBytes(256).buildManual();
    }

    @AfterEach
    void everyContextCameBack() {
        try {
            kit.runUntilIdle();
            assertThat(kit.poolsFull()).as(kit.toString()).isTrue();
        } finally {
            kit.close();
        }
    }

    @Test
    void aMessageLargerThanTheInputBufferClosesWithOnInputFullInsteadOfHanging() {
        ManualClient client = kit.connect();
        client.send("1000:" + "x".repeat(1000));
        kit.runUntilIdle();
        assertThat(client.isClosedByServer()).as("closed, not hanging").isTrue();
        assertThat(events.toString()).isEqualTo("full ");
        assertThat(kit.loopStats().get(0).inputFull()).isEqualTo(1);
    }

    @Test
    void onAWorkersLoopTooAMessageThatCanNeverFitEndsInOnInputFull() {
        ManualClient client = kit.connect();
        client.send("move:");
        kit.runUntilIdle();
        assertThat(kit.workerStats().get(0).held()).isEqualTo(1);
        client.send("1000:" + "x".repeat(1000));
        kit.runUntilIdle();
        assertThat(client.isClosedByServer()).isTrue();
        assertThat(kit.workerStats().get(0).inputFull()).isEqualTo(1);
    }

    @Test
    void aStreamingHandlerTakesAMessageOfAnySizeInParts() {
        streaming = true;
        ManualClient client = kit.connect();
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 100_000; i++) {
            body.append((char) ('a' + i % 26));
        }
        long sum = body.chars().sum();
        client.send("100000:" + body);
        kit.runUntilIdle();
        assertThat(client.receivedAscii()).isEqualTo(sum + "\n");
        assertThat(kit.loopStats().get(0).inputFull()).isZero();
        end(client);
    }

    @Test
    void awaitBytesLetsATricklingMessageInWithoutAnOnDataPerRead() {
        awaiting = true;
        ManualClient client = kit.connect();
        client.send("200:");
        kit.runUntilIdle();
        for (int i = 0; i < 200; i++) {
            client.send("y");
            kit.runUntilIdle();
        }
        assertThat(client.receivedAscii()).isEqualTo("200\n");
        assertThat(dataCalls).as("the prefix's read, then the read that completed the message").isEqualTo(2);
        end(client);
    }

    @Test
    void withoutAwaitBytesEveryReadOfATricklingMessageCostsAnOnData() {
        ManualClient client = kit.connect();
        client.send("200:");
        kit.runUntilIdle();
        for (int i = 0; i < 200; i++) {
            client.send("y");
            kit.runUntilIdle();
        }
        assertThat(client.receivedAscii()).isEqualTo("200\n");
        assertThat(dataCalls).isEqualTo(201);
        end(client);
    }

    private void end(ManualClient client) {
        client.shutdownOutput();
        kit.runUntilIdle();
        assertThat(client.isClosedByServer()).isTrue();
    }

    /** Reads "N:" then N bytes; kept per connection in the attachment while a streamed body comes. */
    private final class Prefixed implements ConnectionHandler {
        private final byte[] answer = new byte[Bytes.MAX_DECIMAL_LENGTH + 1];
        private final ByteBuffer answerBuffer = ByteBuffer.wrap(answer);

        @Override
        public void onOpen(Connection connection) {
            if (connection.attachment() == null) {
                connection.attach(new long[2]); // bytes of the body still to come, their sum so far
            }
        }

        @Override
        public void onData(Connection connection, ByteBuffer in) {
            dataCalls++;
            long[] state = (long[]) connection.attachment();
            while (connection.isOpen()) {
                if (state[0] > 0) { // streaming a body: take what came
                    int take = (int) Math.min(state[0], in.remaining());
                    for (int i = 0; i < take; i++) {
                        state[1] += in.get();
                    }
                    state[0] -= take;
                    if (state[0] > 0) {
                        return;
                    }
                    answer(connection, state[1]);
                    continue;
                }
                int colon = Bytes.indexOf(in, in.position(), in.limit(), (byte) ':');
                if (colon < 0) {
                    return;
                }
                if (Bytes.equalsIgnoreCase(in, in.position(), colon, "move".getBytes(StandardCharsets.US_ASCII))) {
                    in.position(colon + 1);
                    connection.moveToWorker();
                    return;
                }
                long length = Bytes.parseDecimal(in, in.position(), colon);
                if (streaming) {
                    in.position(colon + 1);
                    state[0] = length;
                    state[1] = 0;
                    continue;
                }
                int whole = colon + 1 - in.position() + (int) length;
                if (in.remaining() < whole) {
                    if (awaiting) {
                        connection.awaitBytes(whole);
                    }
                    return;
                }
                in.position(in.position() + whole);
                answer(connection, length);
            }
        }

        private void answer(Connection connection, long value) {
            int end = Bytes.putDecimal(answerBuffer, 0, value);
            answer[end] = '\n';
            connection.write(answer, 0, end + 1);
        }

        @Override
        public void onInputFull(Connection connection) {
            events.append("full ");
            connection.close();
        }
    }
}
