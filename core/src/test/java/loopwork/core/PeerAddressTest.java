package loopwork.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link Connection#peerAddress()}: the client's own address and port, on each transport, read on the accept
 * loop, on a worker's loop after a move and on a worker after a hand-off; its text form allocates nothing.
 */
@Timeout(60)
class PeerAddressTest {

    @Test
    void formatsIpv4Ipv6AndUnknown() {
        PeerAddress peer = new PeerAddress();
        assertThat(peer.toString()).isEqualTo("unknown");
        assertThat(peer.toSocketAddress()).isNull();
        peer.setIpv4(0x7F000001, 50412);
        assertThat(peer.toString()).isEqualTo("127.0.0.1:50412");
        assertThat(peer.toSocketAddress()).isEqualTo(new InetSocketAddress("127.0.0.1", 50412));
        peer.set(new byte[] {(byte) 0xfe, (byte) 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12, 0x34}, 1);
        assertThat(peer.toString()).isEqualTo("[fe80:0:0:0:0:0:0:1234]:1");
        assertThat(peer.length()).isEqualTo(16);
        assertThat(peer.byteAt(15)).isEqualTo((byte) 0x34);
        peer.set(new byte[] {(byte) 255, (byte) 255, (byte) 255, (byte) 255}, 65535);
        assertThat(peer.toString()).isEqualTo("255.255.255.255:65535");
        byte[] longest = new byte[PeerAddress.MAX_FORMAT_BYTES];
        peer.set(new byte[] {-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1}, 65535);
        assertThat(peer.format(longest, 0)).isEqualTo(PeerAddress.MAX_FORMAT_BYTES);
        peer.set(new byte[5], 80);
        assertThat(peer.length()).isZero();
        assertThat(peer.port()).isZero();
    }

    /** Answers "peer" with the peer's address on the loop, "move" on the worker's loop, "block" after a hand-off. */
    private static final class Peers implements ConnectionHandler {
        private final byte[] text = new byte[PeerAddress.MAX_FORMAT_BYTES + 1];

        private void say(Connection connection) {
            int end = connection.peerAddress().format(text, 0);
            text[end] = '\n';
            connection.write(text, 0, end + 1);
        }

        @Override
        public void onData(Connection connection, ByteBuffer in) {
            String command = Lines.line(in);
            if (command == null) {
                return;
            }
            switch (command) {
                case "peer" -> say(connection);
                case "move" -> connection.moveToWorker();
                case "block" -> connection.handOff(blocking -> {
                    byte[] line = (blocking.peerAddress() + "\n").getBytes(StandardCharsets.US_ASCII);
                    blocking.write(line, 0, line.length);
                    blocking.flush();
                    return true;
                }, 0);
                default -> connection.close();
            }
        }

        @Override
        public void onArrived(Connection connection) {
            say(connection);
            connection.moveHome();
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void theClientsAddressAndPortOnTheLoopAWorkersLoopAndAfterAHandOff(Transport transport) throws IOException {
        assumeTrue(transport.isAvailable(), transport + " is not available here");
        try (Kit kit = Kit.builder().protocol(loop -> new Peers()).host("127.0.0.1").port(0).acceptThreads(1)
                .workerThreads(1).acceptCapacity(4).transport(transport).build()) {
            kit.start();
            for (int i = 0; i < 2; i++) { // the second connection may take the first one's context
                try (Socket socket = Lines.connect(kit)) {
                    String expected = "127.0.0.1:" + socket.getLocalPort();
                    Lines.send(socket, "peer\n");
                    assertThat(Lines.readLine(socket)).isEqualTo(expected);
                    Lines.send(socket, "move\n");
                    assertThat(Lines.readLine(socket)).as("on the worker's loop").isEqualTo(expected);
                    Lines.send(socket, "block\n");
                    assertThat(Lines.readLine(socket)).as("after a hand-off").isEqualTo(expected);
                    Lines.send(socket, "peer\n");
                    assertThat(Lines.readLine(socket)).as("home again").isEqualTo(expected);
                }
            }
        }
    }
}
