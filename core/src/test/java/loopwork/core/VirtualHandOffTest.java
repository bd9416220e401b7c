package loopwork.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Hand-offs on virtual threads at scale, over 127.0.0.1: 2,000 connections handed to 2 workers are all held at
 * once, each blocked in a read for its peer (the worker watches the socket while its virtual thread parks), and
 * all are answered when their peers speak. On the workers' own threads only 2 could be held at a time.
 */
class VirtualHandOffTest {

    private static final int CONNECTIONS = 2_000;

    /** "hold" hands the connection off; there a blocking read waits for "go", answered with "done". */
    static final class Hold implements Protocol {
        @Override
        public byte[] refusal() {
            return "busy\n".getBytes(StandardCharsets.US_ASCII);
        }

        @Override
        public ConnectionHandler newHandler(LoopInfo loop) {
            return new ConnectionHandler() {
                @Override
                public void onData(Connection connection, ByteBuffer in) {
                    String line = Lines.line(in);
                    if ("hold".equals(line) && !connection.handOff(Hold::serve)) {
                        Lines.say(connection, "refused");
                    }
                }
            };
        }

        private static boolean serve(BlockingConnection connection) throws IOException {
            String line;
            while ((line = Lines.line(connection.input())) == null) {
                if (connection.read() < 0) {
                    return false;
                }
            }
            connection.write((line.equals("go") ? "done\n" : "what?\n").getBytes(StandardCharsets.US_ASCII));
            return true;
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    @Timeout(180)
    void twoThousandHandOffsWaitingOnTheirPeersAtOnceOnTwoWorkersAreAllAnswered(Transport transport)
            throws Exception {
        if (!transport.isAvailable()) {
            return;
        }
        Socket[] clients = new Socket[CONNECTIONS];
        try (Kit kit = Kit.builder().protocol(new Hold()).host("127.0.0.1").port(0).acceptThreads(2)
                .workerThreads(2).acceptCapacity(CONNECTIONS).transport(transport)
                .syncThreads(SyncThreads.VIRTUAL).build()) {
            kit.start();
            try {
                for (int i = 0; i < CONNECTIONS; i++) {
                    clients[i] = new Socket();
                    clients[i].connect(new InetSocketAddress("127.0.0.1", kit.port()), 10_000);
                    clients[i].setSoTimeout(30_000);
                    Lines.send(clients[i], "hold\n");
                }
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (held(kit) < CONNECTIONS && System.nanoTime() - deadline < 0) {
                    Thread.sleep(20); // polling a counter, bounded: nothing here waits on the kit's threads
                }
                assertThat(held(kit)).as("hand-offs held at once").isEqualTo(CONNECTIONS);
                for (Socket client : clients) {
                    Lines.send(client, "go\n");
                }
                for (int i = 0; i < CONNECTIONS; i++) {
                    assertThat(Lines.readLine(clients[i])).as("answer " + i).isEqualTo("done");
                }
                long handOffs = kit.workerStats().stream().mapToLong(WorkerStatistics::handOffs).sum();
                assertThat(handOffs).isEqualTo(CONNECTIONS);
                assertThat(kit.workerStats().stream().mapToLong(WorkerStatistics::handlerErrors).sum()).isZero();
            } finally {
                for (Socket client : clients) {
                    if (client != null) {
                        client.close();
                    }
                }
            }
        }
    }

    private static long held(Kit kit) {
        return kit.workerStats().stream().mapToLong(WorkerStatistics::held).sum();
    }
}
