package loopwork.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;

/** The README's example protocol does what the README says, stepped by hand on a {@link ManualKit}. */
class SquaresTest {

    @Test
    void numbersSentTogetherAreSquaredOnAWorkerAndAnsweredInOrder() throws IOException {
        try (ManualKit kit = Kit.builder().protocol(new Squares()).acceptThreads(1).workerThreads(1)
                .acceptCapacity(4).buildManual()) {
            ManualClient client = kit.connect();
            ByteBuffer sent = ByteBuffer.allocate(3 * Long.BYTES).putLong(12).putLong(-3).putLong(1L << 20);
            client.send(sent.array());
            kit.runUntilIdle();

            assertThat(ByteBuffer.wrap(client.take()).asLongBuffer()).isEqualTo(
                    ByteBuffer.allocate(3 * Long.BYTES).putLong(144).putLong(9).putLong(1L << 40).flip().asLongBuffer());
            assertThat(kit.workerStats().get(0).tasksRun()).isEqualTo(3);

            client.send(new byte[] {0, 0, 0}); // part of a number: waits for the rest
            kit.runUntilIdle();
            assertThat(client.take()).isEmpty();
            client.send(new byte[] {0, 0, 0, 0, 7});
            kit.runUntilIdle();
            assertThat(ByteBuffer.wrap(client.take()).getLong()).isEqualTo(49);

            client.shutdownOutput();
            kit.runUntilIdle();
            assertThat(client.isClosedByServer()).isTrue();
            assertThat(kit.poolsFull()).isTrue();
        }
    }
}
